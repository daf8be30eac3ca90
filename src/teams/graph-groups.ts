import type { GroupDirectory } from '../core/roles.ts';

// Group membership through Microsoft Graph: POST /users/{id}/checkMemberGroups answers which of up to 20
// given groups the user is a member of, directly or through nested groups. Needs the application
// permission GroupMember.Read.All (or Directory.Read.All) in each school's tenant.

export interface GraphGroupOptions {
  /** https://graph.microsoft.com, or a national cloud's; tests use a loopback server. */
  baseUrl: string;
  /** An app token for Graph in the given tenant. */
  token: (tenantId: string) => Promise<string | undefined>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const chunk = 20;

export class GraphGroupDirectory implements GroupDirectory {
  private readonly o: GraphGroupOptions;
  constructor(options: GraphGroupOptions) {
    this.o = options;
  }

  async memberGroups(tenantId: string, entraObjectId: string, groupIds: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    const token = await this.o.token(tenantId);
    const base = this.o.baseUrl.replace(/\/+$/, '');
    for (let i = 0; i < groupIds.length; i += chunk) {
      const res = await (this.o.fetch ?? fetch)(`${base}/v1.0/users/${encodeURIComponent(entraObjectId)}/checkMemberGroups`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ groupIds: groupIds.slice(i, i + chunk) }),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
      if (!res.ok) throw new Error(`Graph checkMemberGroups answered ${res.status}`);
      const body = (await res.json()) as { value?: unknown };
      if (!Array.isArray(body.value)) throw new Error('Graph checkMemberGroups answered without a value list');
      for (const id of body.value) if (typeof id === 'string' && groupIds.includes(id)) found.push(id);
    }
    return found;
  }
}
