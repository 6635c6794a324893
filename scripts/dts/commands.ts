/** The subcommands of `npm run dts`: one line per command file. */
import type { Command } from 'commander';
import { lifecycleCommands } from './lifecycle.ts';
import { precheckCommand } from './precheck.ts';
import { reloadCommand } from './reload.ts';

export const commands: Command[] = [precheckCommand, ...lifecycleCommands, reloadCommand];
