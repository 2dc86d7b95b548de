/**
 * The scripts `packsmith completion <shell>` prints. Each one hands the words typed so far to
 * `packsmith __complete`, which answers with one candidate per line, so the shells need no copy
 * of the command tree.
 */

/** Shells a script exists for. */
export const completionShells = ['bash', 'zsh', 'fish'] as const;

/** One of `completionShells`. */
export type CompletionShell = (typeof completionShells)[number];

const bash = `# bash completion for packsmith; load with: source <(packsmith completion bash)
_packsmith_complete() {
  local IFS=$'\\n'
  COMPREPLY=( $(packsmith __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _packsmith_complete packsmith
`;

const zsh = `#compdef packsmith
# zsh completion for packsmith; load with: source <(packsmith completion zsh)
_packsmith() {
  local -a candidates
  candidates=("\${(@f)$(packsmith __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -- \${candidates:#}
}
compdef _packsmith packsmith
`;

const fish = `# fish completion for packsmith; load with: packsmith completion fish | source
function __packsmith_complete
    set -l tokens (commandline -opc) (commandline -ct)
    packsmith __complete $tokens[2..-1] 2>/dev/null
end
complete -c packsmith -f -a '(__packsmith_complete)'
`;

/** The completion script for `shell`. */
export function completionScript(shell: CompletionShell): string {
  return { bash, zsh, fish }[shell];
}
