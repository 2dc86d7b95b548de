/** Shell completion: scripts for bash, zsh and fish, and the candidates they ask `packsmith __complete` for. */
export * from './candidates.ts';
export * from './scripts.ts';
