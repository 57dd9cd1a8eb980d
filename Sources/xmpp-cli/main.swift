import Commands

XMPPCLI.main()
