
__xmpp-cli_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__xmpp-cli_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__xmpp-cli_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__xmpp-cli_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_xmpp-cli() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __xmpp-cli_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    send|presence|roster|listen|raw|upload|omemo|doctor|help)
        # Offer subcommand argument completions
        "_xmpp-cli_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'send presence roster listen raw upload omemo doctor help' -- "${cur}"))
        ;;
    esac
}

_xmpp-cli_send() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q -i --interactive -r --room --receipt --omemo --version -h --help)
    repeating_options=(--attach)
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config -m --message -f --file -t --type --subject --thread --nick --room-password --room-password-file --replace --retract --format)
    __xmpp-cli_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion send -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '-m'|'--message')
        return
        ;;
    '-f'|'--file')
        return
        ;;
    '-t'|'--type')
        __xmpp-cli_add_completions -W 'chat'$'\n''normal'$'\n''headline'
        return
        ;;
    '--subject')
        return
        ;;
    '--thread')
        return
        ;;
    '--nick')
        return
        ;;
    '--room-password')
        return
        ;;
    '--room-password-file')
        return
        ;;
    '--attach')
        return
        ;;
    '--replace')
        return
        ;;
    '--retract')
        return
        ;;
    '--format')
        __xmpp-cli_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_xmpp-cli_presence() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion presence -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    set|get|subscribe|unsubscribe|approve|deny)
        # Offer subcommand argument completions
        "_xmpp-cli_presence_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'set get subscribe unsubscribe approve deny' -- "${cur}"))
        ;;
    esac
}

_xmpp-cli_presence_set() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --forever --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --show --status --priority --hold)
    __xmpp-cli_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion presence set -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--show')
        __xmpp-cli_add_completions -W 'available'$'\n''away'$'\n''chat'$'\n''dnd'$'\n''xa'
        return
        ;;
    '--status')
        return
        ;;
    '--priority')
        return
        ;;
    '--hold')
        return
        ;;
    esac
}

_xmpp-cli_presence_get() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --wait --format)
    __xmpp-cli_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion presence get -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--wait')
        return
        ;;
    '--format')
        __xmpp-cli_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_xmpp-cli_presence_subscribe() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --message)
    __xmpp-cli_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion presence subscribe -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--message')
        return
        ;;
    esac
}

_xmpp-cli_presence_unsubscribe() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion presence unsubscribe -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_xmpp-cli_presence_approve() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion presence approve -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_xmpp-cli_presence_deny() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion presence deny -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_xmpp-cli_roster() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion roster -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|add|set|remove|export|import)
        # Offer subcommand argument completions
        "_xmpp-cli_roster_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list add set remove export import' -- "${cur}"))
        ;;
    esac
}

_xmpp-cli_roster_list() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --format)
    __xmpp-cli_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion roster list -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--format')
        __xmpp-cli_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_xmpp-cli_roster_add() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --subscribe --version -h --help)
    repeating_options=(--group)
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --name)
    __xmpp-cli_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion roster add -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--name')
        return
        ;;
    '--group')
        return
        ;;
    esac
}

_xmpp-cli_roster_set() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=(--group)
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --name)
    __xmpp-cli_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion roster set -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--name')
        return
        ;;
    '--group')
        return
        ;;
    esac
}

_xmpp-cli_roster_remove() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion roster remove -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_xmpp-cli_roster_export() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion roster export -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_xmpp-cli_roster_import() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --dry-run --prune --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion roster import -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_xmpp-cli_listen() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --presence --iq --carbons --reconnect --omemo --version -h --help)
    repeating_options=(--from --room)
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --format --nick --count --duration --idle-timeout --exec --exec-timeout --since --state)
    __xmpp-cli_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion listen -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--format')
        __xmpp-cli_add_completions -W 'text'$'\n''json'$'\n''xml'
        return
        ;;
    '--from')
        return
        ;;
    '--room')
        return
        ;;
    '--nick')
        return
        ;;
    '--count')
        return
        ;;
    '--duration')
        return
        ;;
    '--idle-timeout')
        return
        ;;
    '--exec')
        return
        ;;
    '--exec-timeout')
        return
        ;;
    '--since')
        return
        ;;
    '--state')
        return
        ;;
    esac
}

_xmpp-cli_raw() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --pretty --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --stage --wait)
    __xmpp-cli_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion raw -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--stage')
        __xmpp-cli_add_completions -W 'connected'$'\n''tls'$'\n''authenticated'$'\n''bound'
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_xmpp-cli_upload() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --format --content-type)
    __xmpp-cli_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion upload -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--format')
        __xmpp-cli_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--content-type')
        return
        ;;
    esac
}

_xmpp-cli_omemo() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion omemo -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    fingerprint|devices|trust|distrust)
        # Offer subcommand argument completions
        "_xmpp-cli_omemo_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'fingerprint devices trust distrust' -- "${cur}"))
        ;;
    esac
}

_xmpp-cli_omemo_fingerprint() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion omemo fingerprint -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_xmpp-cli_omemo_devices() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --format)
    __xmpp-cli_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion omemo devices -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--format')
        __xmpp-cli_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_xmpp-cli_omemo_trust() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion omemo trust -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_xmpp-cli_omemo_distrust() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config)
    __xmpp-cli_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion omemo distrust -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_xmpp-cli_doctor() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--insecure --no-cache --quiet -q --nagios --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --account -j --jid --password-file --password-command -s --server --tls --ca-file --resource --timeout --proxy --retry --retry-max-time --config --format --warn-days --crit-days)
    __xmpp-cli_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--account')
        __xmpp-cli_add_completions -W "$(__xmpp-cli_custom_complete ---completion doctor -- --account "${COMP_CWORD}" "$(__xmpp-cli_cursor_index_in_current_word)")"
        return
        ;;
    '-j'|'--jid')
        return
        ;;
    '--password-file')
        return
        ;;
    '--password-command')
        return
        ;;
    '-s'|'--server')
        return
        ;;
    '--tls')
        __xmpp-cli_add_completions -W 'auto'$'\n''starttls'$'\n''direct'
        return
        ;;
    '--ca-file')
        return
        ;;
    '--resource')
        return
        ;;
    '--timeout')
        return
        ;;
    '--proxy')
        return
        ;;
    '--retry')
        return
        ;;
    '--retry-max-time')
        return
        ;;
    '--config')
        return
        ;;
    '--format')
        __xmpp-cli_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--warn-days')
        return
        ;;
    '--crit-days')
        return
        ;;
    esac
}

_xmpp-cli_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __xmpp-cli_offer_flags_options -1
}

complete -o filenames -F _xmpp-cli xmpp-cli
