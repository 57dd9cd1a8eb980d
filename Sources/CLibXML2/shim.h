#ifndef XMPPCLI_CLIBXML2_SHIM_H
#define XMPPCLI_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, so encoding.h would pull in the system's
   <unicode/ucnv.h>, whose types clash with the ICU copy Foundation ships in any module that
   sees both (test targets do). Nothing here touches libxml2's ICU converters or the
   layout of xmlCharEncodingHandler, the only declarations this switch changes. */
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

/* libxml2 reports some problems (an encoding it cannot convert) through its generic error
   function, which writes to the process's stderr whatever the parser's options say. Errors
   reach xmpp-cli through the structured handler of each parse; this one stays silent. */
static void xmppcli_ignore_libxml2_message(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}
static inline void xmppcli_silence_libxml2_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, xmppcli_ignore_libxml2_message);
}

#endif
