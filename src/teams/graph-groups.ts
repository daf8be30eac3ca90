import type { GroupDirectory } from '../core/roles.ts';
import type { GraphClient } from './graph.ts';

// Group membership through Microsoft Graph: POST /users/{id}/checkMemberGroups answers which of up to 20
// given groups the user is a member of, directly or through nested groups. Needs the application
// permission GroupMember.Read.All (or Directory.Read.All) in each school's tenant.

const chunk = 20;

export class GraphGroupDirectory implements GroupDirectory {
  private readonly graph: GraphClient;
  constructor(graph: GraphClient) {
    this.graph = graph;
  }

  async memberGroups(tenantId: string, entraObjectId: string, groupIds: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    for (let i = 0; i < groupIds.length; i += chunk) {
      const body = await this.graph.request<{ value?: unknown }>(
        tenantId,
        'POST',
        `/v1.0/users/${encodeURIComponent(entraObjectId)}/checkMemberGroups`,
        { groupIds: groupIds.slice(i, i + chunk) },
      );
      if (!Array.isArray(body?.value)) throw new Error('Graph checkMemberGroups answered without a value list');
      for (const id of body.value) if (typeof id === 'string' && groupIds.includes(id)) found.push(id);
    }
    return found;
  }
}
