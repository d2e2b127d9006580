/**
 * What the findings board sends when a finding is saved: only what changed, and never an empty
 * owner or due date as null — the server's PATCH takes a non-empty owner and an ISO date and
 * refuses anything else (src/api/routes/findings.ts); an owner or due date, once set, is changed,
 * not taken away (the finding's history keeps who owned it and when it was due).
 */
export interface FindingUpdate {
  owner?: string;
  due_on?: string;
  status?: string;
}

export function findingUpdate(
  before: { readonly owner?: string | null; readonly due_on?: string | null; readonly status: string },
  form: { readonly owner: string; readonly due: string; readonly status: string },
): FindingUpdate {
  const owner = form.owner.trim();
  const due = form.due.trim();
  return {
    ...(owner && owner !== (before.owner ?? '') ? { owner } : {}),
    ...(due && due !== (before.due_on ?? '') ? { due_on: due } : {}),
    ...(form.status !== before.status ? { status: form.status } : {}),
  };
}
