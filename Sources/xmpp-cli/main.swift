import Commands

XMPPCLI.runMain()
