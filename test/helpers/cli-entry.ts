// Runs the CLI from source in a child process (tests spawn it to crash or race it).
import { runCli } from '../../src/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
});
