/** The subcommands of `npm run dts`: one line per command file. */
import type { Command } from 'commander';

export const commands: Command[] = [];
