import type { AnalyzerFinding } from '../../src/core/analysis/analyzer.js';

/** A finding as one comparable row: analyzer tests assert these exactly, in order. */
export const findingRow = (f: AnalyzerFinding) => [f.kind, f.file, f.line, f.rule, f.clause, f.failing];
