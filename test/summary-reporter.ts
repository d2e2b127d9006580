import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the closing line CI reads in any language: "Tests: N passed, N failed, N skipped".
 * CI must never see a run that executed no test as green, so zero tests is reported as a failure.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    this.line = `Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`;
    if (passed + failed === 0) process.exitCode = 1;
  }

  private line = '';

  // Printed when the process ends, after the default reporter's own summary: CI reads the last lines.
  onInit(): void {
    process.once('beforeExit', () => {
      if (this.line) process.stdout.write(`\n${this.line}\n`);
    });
  }
}
