internal import COpenSSL

/// Zeroing of key material once it has served: SCRAM's salted password and keys, and the
/// bytes of a PLAIN message, so that they do not linger in freed memory (a core dump, a
/// swapped page, a later heap bug) for longer than the exchange that needed them.
///
/// The limits, which Swift sets:
/// - Only the buffer an array owns at the time of the call is wiped. `withUnsafeMutableBytes`
///   on an array whose storage is shared (a copy-on-write copy) first makes a private copy,
///   so the shared original survives. Callers therefore wipe arrays they built themselves
///   and never handed on as values that outlive the call.
/// - `String`s cannot be wiped: the password as typed or read, its SASLprep'd form, and the
///   base64 text of what goes on the wire stay in memory until freed (and are not zeroed).
/// - Temporaries the compiler makes (registers, stack slots, intermediate arrays of a `+`)
///   are out of reach; code that handles key material appends into one reserved buffer
///   instead of concatenating, to leave fewer of them.
public enum KeyMaterial {
    /// Overwrites every byte of `bytes` with zero, in place, and keeps its count.
    /// `OPENSSL_cleanse` is an external call whose effect the optimizer cannot see, so it
    /// cannot be dropped as a dead store the way a loop before a free can be.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return }
            OPENSSL_cleanse(base, buffer.count)
        }
    }
}
