// libomemo-c (the Signal protocol's sessions, as Dino uses them), for Protocol/OMEMO only.
#include <signal_protocol.h>
#include <key_helper.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>
#include <protocol.h>
#include <curve.h>
#include <ratchet.h>

// SIGNAL_UNREF is a macro: Swift sees this function instead.
static inline void comemo_unref(void *instance) {
    if (instance) signal_type_unref((signal_type_base *)instance);
}
