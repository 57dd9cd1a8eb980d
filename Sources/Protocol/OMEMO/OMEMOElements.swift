/// The PEP items of XEP-0384 0.3: a device list, and each device's bundle.
public enum OMEMOElements {
    /// The node a device's bundle is published on.
    public static func bundleNode(device: UInt32) -> String { "\(Namespace.omemoLegacyBundles):\(device)" }

    /// `<list><device id='…'/>…</list>`.
    public static func deviceList(_ devices: [UInt32]) -> XMLElement {
        var list = XMLElement("list", namespace: Namespace.omemoLegacy)
        for device in devices.uniquedSorted() {
            list.append(XMLElement("device", namespace: Namespace.omemoLegacy, attributes: ["id": String(device)]))
        }
        return list
    }

    /// The device ids of a `<list>`; ids that are not numbers from 1 to 2^31 - 1 are left out.
    public static func devices(in list: XMLElement) -> [UInt32] {
        list.elements(named: "device", namespace: Namespace.omemoLegacy)
            .compactMap { $0[attribute: "id"].flatMap(deviceID) }
            .uniquedSorted()
    }

    static func deviceID(_ text: String) -> UInt32? {
        guard let value = UInt32(text), value >= 1, value <= UInt32(Int32.max) else { return nil }
        return value
    }

    /// `<bundle>` with the signed pre-key, its signature, the identity key and the pre-keys.
    public static func bundle(_ bundle: OMEMOBundle) -> XMLElement {
        func element(_ name: String, _ bytes: [UInt8], _ attributes: [String: String] = [:]) -> XMLElement {
            var element = XMLElement(name, namespace: Namespace.omemoLegacy, attributes: attributes)
            element.append(text: Base64.encode(bytes))
            return element
        }
        var result = XMLElement("bundle", namespace: Namespace.omemoLegacy)
        result.append(element("signedPreKeyPublic", bundle.signedPreKey, ["signedPreKeyId": String(bundle.signedPreKeyID)]))
        result.append(element("signedPreKeySignature", bundle.signedPreKeySignature))
        result.append(element("identityKey", bundle.identityKey))
        var preKeys = XMLElement("prekeys", namespace: Namespace.omemoLegacy)
        for preKey in bundle.preKeys {
            preKeys.append(element("preKeyPublic", preKey.publicKey, ["preKeyId": String(preKey.id)]))
        }
        result.append(preKeys)
        return result
    }

    /// Reads a `<bundle>`; what is missing or not base64 is an error naming it. Pre-keys that
    /// cannot be read are left out, as long as one remains.
    public static func bundle(from element: XMLElement) throws(OMEMOError) -> OMEMOBundle {
        func bytes(_ name: String) throws(OMEMOError) -> (XMLElement, [UInt8]) {
            guard let child = element.child(name, namespace: Namespace.omemoLegacy) else { throw OMEMOError("the bundle has no <\(name)>") }
            guard let value = decodedBase64(child.text), !value.isEmpty else { throw OMEMOError("the bundle's <\(name)> is not base64") }
            return (child, value)
        }
        let (signedElement, signedPreKey) = try bytes("signedPreKeyPublic")
        guard let signedID = signedElement[attribute: "signedPreKeyId"].flatMap({ UInt32($0) }) else {
            throw OMEMOError("the bundle's signed pre-key has no id")
        }
        let signature = try bytes("signedPreKeySignature").1
        let identity = try bytes("identityKey").1
        let preKeys = (element.child("prekeys", namespace: Namespace.omemoLegacy)?.elements(named: "preKeyPublic", namespace: Namespace.omemoLegacy) ?? [])
            .compactMap { preKey -> OMEMOBundle.PreKey? in
                guard let id = preKey[attribute: "preKeyId"].flatMap({ UInt32($0) }), let key = decodedBase64(preKey.text), !key.isEmpty else { return nil }
                return OMEMOBundle.PreKey(id: id, publicKey: key)
            }
        guard !preKeys.isEmpty else { throw OMEMOError("the bundle has no usable pre-keys") }
        return OMEMOBundle(signedPreKeyID: signedID, signedPreKey: signedPreKey, signedPreKeySignature: signature, identityKey: identity, preKeys: preKeys)
    }

    /// Base64 as XML carries it: whitespace (line breaks some clients add) is not part of it.
    static func decodedBase64(_ text: String) -> [UInt8]? {
        Base64.decode(Array(text.utf8.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }))
    }
}

extension Array where Element == UInt32 {
    fileprivate func uniquedSorted() -> [UInt32] { Array(Set(self)).sorted() }
}
