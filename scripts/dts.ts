/**
 * `npm run dts -- <command>`: operating a task from the command line (precheck, status and the
 * lifecycle). One subcommand per file in scripts/dts/, each exporting a commander Command;
 * exit code 0 on success, 1 when the command found the task failing, 2 for bad input.
 */
import { Command } from 'commander';
import { commands } from './dts/commands.ts';

const program = new Command().name('npm run dts --').description('Operate a DTS task: precheck, status, pause, resume, stop');
for (const command of commands) program.addCommand(command);
await program.parseAsync();
