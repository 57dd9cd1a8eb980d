function __xmpp-cli_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __xmpp-cli_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __xmpp-cli_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __xmpp-cli_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __xmpp-cli_parse_tokens -S
    set -l unparsed_tokens (__xmpp-cli_tokens -pc)
    switch $unparsed_tokens[1]
    case 'xmpp-cli'
        __xmpp-cli_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'send'
            __xmpp-cli_parse_subcommand -r 1 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'm/message=' 'f/file=' 'i/interactive' 't/type=' 'subject=' 'thread=' 'r/room' 'nick=' 'room-password=' 'receipt' 'version' 'h/help'
        case 'presence'
            __xmpp-cli_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'set'
                __xmpp-cli_parse_subcommand 0 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'show=' 'status=' 'priority=' 'hold=' 'forever' 'version' 'h/help'
            case 'get'
                __xmpp-cli_parse_subcommand -r 1 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'wait=' 'format=' 'version' 'h/help'
            case 'subscribe'
                __xmpp-cli_parse_subcommand 1 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'message=' 'version' 'h/help'
            case 'unsubscribe'
                __xmpp-cli_parse_subcommand 1 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'version' 'h/help'
            case 'approve'
                __xmpp-cli_parse_subcommand 1 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'version' 'h/help'
            case 'deny'
                __xmpp-cli_parse_subcommand 1 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'version' 'h/help'
            end
        case 'roster'
            __xmpp-cli_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __xmpp-cli_parse_subcommand 0 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'format=' 'version' 'h/help'
            case 'add'
                __xmpp-cli_parse_subcommand 1 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'name=' 'group=+' 'subscribe' 'version' 'h/help'
            case 'set'
                __xmpp-cli_parse_subcommand 1 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'name=' 'group=+' 'version' 'h/help'
            case 'remove'
                __xmpp-cli_parse_subcommand 1 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'version' 'h/help'
            case 'export'
                __xmpp-cli_parse_subcommand 0 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'version' 'h/help'
            case 'import'
                __xmpp-cli_parse_subcommand 1 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'dry-run' 'prune' 'version' 'h/help'
            end
        case 'listen'
            __xmpp-cli_parse_subcommand 0 'a/account=' 'j/jid=' 'password-file=' 'password-command=' 's/server=' 'tls=' 'ca-file=' 'insecure' 'resource=' 'timeout=' 'config=' 'v/verbose' 'q/quiet' 'format=' 'from=+' 'room=+' 'nick=' 'presence' 'iq' 'carbons' 'count=' 'duration=' 'idle-timeout=' 'exec=' 'reconnect' 'version' 'h/help'
        case 'help'
            __xmpp-cli_parse_subcommand -r 1 'version'
        end
    end
end

function __xmpp-cli_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __xmpp-cli_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __xmpp-cli_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __xmpp-cli_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__xmpp-cli_tokens -p)
    if test -z "$(__xmpp-cli_tokens -t)"
        set -l index (count (__xmpp-cli_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'xmpp-cli' -f
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli" -eq 1' -fa 'send' -d 'Send messages; exit 0 only once the server has acknowledged every one.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli" -eq 1' -fa 'presence' -d 'Set and query presence, and manage subscriptions.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli" -eq 1' -fa 'roster' -d 'List, add, change, remove, export and import contacts.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli" -eq 1' -fa 'listen' -d 'Print incoming messages (and presence or IQs when asked), one record a line.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion send -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" m message' -s 'm' -l 'message' -d 'The body.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" f file' -s 'f' -l 'file' -d 'Read the body from PATH (with -i: one message per line).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" i interactive' -s 'i' -l 'interactive' -d 'One message per line of standard input until EOF, sent as lines arrive.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" t type' -s 't' -l 'type' -d 'Message type (default: chat; groupchat with --room).' -rfka 'chat normal headline'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" subject' -l 'subject' -d 'Subject of the message.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" thread' -l 'thread' -d 'Thread identifier.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" r room' -s 'r' -l 'room' -d 'RECIPIENTs are multi-user chat rooms: join as --nick, then send groupchat.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" nick' -l 'nick' -d 'Nickname in rooms (default: the JID\'s localpart).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" room-password' -l 'room-password' -d 'Password of the rooms.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" receipt' -l 'receipt' -d 'Request a delivery receipt (XEP-0184) from each recipient and wait for it until --timeout.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli send" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli presence" -eq 1' -fa 'set' -d 'Send our presence; with --hold or --forever stay online with it.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli presence" -eq 1' -fa 'get' -d 'Show who is online: one record per online resource of the roster\'s contacts.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli presence" -eq 1' -fa 'subscribe' -d 'Ask to see JID\'s presence.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli presence" -eq 1' -fa 'unsubscribe' -d 'Stop seeing JID\'s presence.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli presence" -eq 1' -fa 'approve' -d 'Let JID see our presence (approves a request, or pre-approves one, RFC 6121 §3.4).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli presence" -eq 1' -fa 'deny' -d 'Refuse or revoke JID\'s subscription to our presence.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion presence set -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" show' -l 'show' -d 'Availability.' -rfka 'available away chat dnd xa'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" status' -l 'status' -d 'Status message.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" priority' -l 'priority' -d 'Priority, -128 to 127.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" hold' -l 'hold' -d 'Stay online this long, then leave.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" forever' -l 'forever' -d 'Stay online until SIGINT or SIGTERM.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion presence get -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" wait' -l 'wait' -d 'How long to gather presence (default: 2).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" format' -l 'format' -d 'Output format: text (a table on a terminal, tab-separated otherwise) or json (JSON Lines).' -rfka 'text json'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion presence subscribe -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" message' -l 'message' -d 'A note for the contact.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence subscribe" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion presence unsubscribe -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence unsubscribe" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion presence approve -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence approve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion presence deny -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli presence deny" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli roster" -eq 1' -fa 'list' -d 'Print the roster: jid, name, subscription, ask, groups.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli roster" -eq 1' -fa 'add' -d 'Add a contact; with --subscribe also ask to see its presence.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli roster" -eq 1' -fa 'set' -d 'Replace a contact\'s name and groups.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli roster" -eq 1' -fa 'remove' -d 'Remove a contact (and the subscriptions both ways).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli roster" -eq 1' -fa 'export' -d 'Print the roster as JSON, for `roster import`.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_positional "xmpp-cli roster" -eq 1' -fa 'import' -d 'Make the roster match FILE (from `roster export`) with the fewest changes.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion roster list -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" format' -l 'format' -d 'Output format: text (a table on a terminal, tab-separated otherwise) or json (JSON Lines).' -rfka 'text json'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion roster add -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" name' -l 'name' -d 'Display name.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add"' -l 'group' -d 'Group (repeatable).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" subscribe' -l 'subscribe' -d 'Also send a subscription request.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion roster set -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" name' -l 'name' -d 'Display name (none when omitted).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set"' -l 'group' -d 'Group (repeatable; none when omitted).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion roster remove -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion roster export -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion roster import -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" dry-run' -l 'dry-run' -d 'Print the changes, make none.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" prune' -l 'prune' -d 'Also remove contacts FILE does not list.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli roster import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" a account' -s 'a' -l 'account' -d 'Account section of the config file (env: XMPP_ACCOUNT; default: default).' -rfka '(__xmpp-cli_custom_completion ---completion listen -- --account (count (__xmpp-cli_tokens -pc)) (__xmpp-cli_tokens -tC))'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" j jid' -s 'j' -l 'jid' -d 'The account\'s address (env: XMPP_JID).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" password-file' -l 'password-file' -d 'The first line of PATH is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" password-command' -l 'password-command' -d 'Run CMD with /bin/sh -c; the first line of its output is the password.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" s server' -s 's' -l 'server' -d 'Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" tls' -l 'tls' -d 'auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.' -rfka 'auto starttls direct'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" ca-file' -l 'ca-file' -d 'Trust the CA certificates in PATH (PEM) in addition to the system store.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" insecure' -l 'insecure' -d 'Do not verify the server certificate (prints a warning every time).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" resource' -l 'resource' -d 'Resource to bind (default: server-assigned).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" timeout' -l 'timeout' -d 'Deadline for the whole operation (default: 30).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" config' -l 'config' -d 'Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen"' -l 'verbose' -s 'v' -d 'Progress on stderr; twice (-vv) also every XML element, with secrets redacted.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" q quiet' -l 'quiet' -s 'q' -d 'Nothing on stderr but errors.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" format' -l 'format' -d 'Output format: text, json (JSON Lines) or xml (the stanza, one a line).' -rfka 'text json xml'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen"' -l 'from' -d 'Only from this address (bare: any resource; repeatable).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen"' -l 'room' -d 'Join this room and print its messages (repeatable).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" nick' -l 'nick' -d 'Nickname in rooms (default: the JID\'s localpart).' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" presence' -l 'presence' -d 'Also print presence.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" iq' -l 'iq' -d 'Also print IQ requests addressed to us.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" carbons' -l 'carbons' -d 'Also print copies of messages sent and received by the account\'s other clients (XEP-0280).'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" count' -l 'count' -d 'Stop after N records.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" duration' -l 'duration' -d 'Stop after this long.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" idle-timeout' -l 'idle-timeout' -d 'Stop after this long without a record.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" exec' -l 'exec' -d 'Run CMD (with /bin/sh -c) for each message, one at a time.' -rfka ''
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" reconnect' -l 'reconnect' -d 'After a lost connection, reconnect (with backoff) and go on.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" version' -l 'version' -d 'Show the version.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli listen" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'xmpp-cli' -n '__xmpp-cli_should_offer_completions_for_flags_or_options "xmpp-cli help" version' -l 'version' -d 'Show the version.'
