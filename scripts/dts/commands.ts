/** The subcommands of `npm run dts`: one line per command file. */
import type { Command } from 'commander';
import { lifecycleCommands } from './lifecycle.ts';
import { precheckCommand } from './precheck.ts';

export const commands: Command[] = [precheckCommand, ...lifecycleCommands];
