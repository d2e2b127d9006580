import { describeOptions, type Analyzer } from '../../core/analysis/analyzer.js';
import { anyObject, arr, bool, out, str } from '../schemas.js';

export function describeAnalyzer(a: Analyzer) {
  return {
    id: a.id,
    title: a.titleZh,
    title_en: a.title,
    items: [...a.items],
    inputs: a.inputs.map((i) => ({ name: i.name, formats: [...i.formats], description: i.description })),
    options: describeOptions(a).map((o) => ({ name: o.name, description: o.description, required: o.required, default: o.default, schema: o.schema })),
  };
}
export const analyzerSchema = out({
  id: str,
  title: str,
  title_en: str,
  items: arr(str),
  inputs: arr(out({ name: str, formats: arr(str), description: str })),
  options: arr(out({ name: str, description: str, required: bool, default: {}, schema: anyObject })),
});
