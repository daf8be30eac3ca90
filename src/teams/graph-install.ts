import type { Person } from '../core/entities.ts';
import { DeliveryError } from '../core/ports.ts';
import type { Logger } from '../platform/log.ts';
import { type GraphClient, GraphError } from './graph.ts';

// Installing the bot for a student who never opened it, as the school (Company Communicator does the
// same): Microsoft Graph installs the app in the user's personal scope with the app's own permission
// TeamsAppInstallation.ReadWriteSelfForUser.All, and the installation's 1:1 chat is the conversation the
// bot then sends to. The app's id in the tenant's catalog is looked up once per tenant from its manifest
// id (AppCatalog.Read.All). See docs/deploy.md for the permissions an administrator grants.
//
// Graph's answers, as the coordinator reads them:
//   409 the app is installed already → carry on, find its chat;
//   404 the user has no Teams (no licence, or no such account) → "no Teams licence";
//   403 the tenant's app permission policy blocks the app for this user → "app blocked by policy";
//       403 because the permission was not granted is the school's configuration, reported as an error;
//   429 / 5xx → retried by the Graph client (Retry-After), then tried again with the next send run.

export interface InstallerOptions {
  graph: GraphClient;
  /** The app's manifest id (TEAMS_APP_ID), the catalog's `externalId`. */
  teamsAppId: string;
  log: Logger;
  /** How long to wait for the chat of a fresh installation to appear (Graph creates it asynchronously). */
  chatWait?: { attempts: number; delayMs: number };
  sleep?: (ms: number) => Promise<void>;
}

export interface Installed {
  /** The 1:1 chat between the bot and the user; the Bot Connector accepts it as the conversation id. */
  chatId: string;
  /** False when the app was installed already (by the student, an earlier run, or an administrator). */
  installedNow: boolean;
}

const permissionCodes = /Authorization_RequestDenied|AccessDenied|InvalidAuthenticationToken|Unauthorized/i;

/** Maps Graph's refusal of an installation to the reason a coordinator sees. */
export function installErrorFrom(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof GraphError) {
    if (err.status === 404) return new DeliveryError('no-licence', false, err.code);
    if (err.status === 403 && !permissionCodes.test(err.code ?? '')) return new DeliveryError('app-blocked', false, err.code);
    if (err.status === 401 || err.status === 403)
      return new DeliveryError('error', false, `Graph refused the app's permission (${err.code ?? err.status})`);
    if (err.transient) return new DeliveryError('error', true, `Graph ${err.status}`);
    return new DeliveryError('error', false, `Graph ${err.status}`);
  }
  return new DeliveryError('error', true, (err as Error)?.message);
}

export class AppInstaller {
  private readonly o: InstallerOptions;
  /** Per tenant; concurrent installs share one lookup, a failed lookup is tried again next time. */
  private readonly catalogIds = new Map<string, Promise<string>>();

  constructor(options: InstallerOptions) {
    this.o = options;
  }

  /** Whether the person can be named to Graph at all (object id, else sign-in name). */
  static canInstallFor(person: Person): boolean {
    return Boolean(person.entraObjectId || person.email);
  }

  /** Installs the app for the person (or finds the installation) and answers its chat. Throws DeliveryError. */
  async installFor(person: Person): Promise<Installed> {
    const user = person.entraObjectId ?? person.email;
    if (!user) throw new DeliveryError('no-conversation', false, 'no Entra id or sign-in name to install for');
    const tenantId = person.schoolId;
    try {
      const catalogId = await this.catalogId(tenantId);
      const base = `/v1.0/users/${encodeURIComponent(user)}/teamwork/installedApps`;
      let installedNow = true;
      try {
        await this.o.graph.request(tenantId, 'POST', base, {
          'teamsApp@odata.bind': `${this.o.graph.baseUrl}/v1.0/appCatalogs/teamsApps/${catalogId}`,
        });
      } catch (err) {
        if (!(err instanceof GraphError && err.status === 409)) throw err;
        installedNow = false;
      }
      const filter = encodeURIComponent(`teamsApp/id eq '${catalogId}'`);
      const found = await this.o.graph.request<{ value?: { id?: unknown }[] }>(
        tenantId,
        'GET',
        `${base}?$expand=teamsApp&$filter=${filter}`,
      );
      const installationId = found?.value?.find((v) => typeof v.id === 'string')?.id as string | undefined;
      if (!installationId) throw new DeliveryError('error', true, 'the installation is not listed yet');
      const chatId = await this.chatOf(tenantId, `${base}/${encodeURIComponent(installationId)}/chat`);
      this.o.log.info({ personId: person.id, installedNow }, 'app installed for a student by the school');
      return { chatId, installedNow };
    } catch (err) {
      const e = installErrorFrom(err);
      if (e.reason === 'error')
        this.o.log.warn({ personId: person.id, err: e.message }, 'could not install the app for a student');
      throw e;
    }
  }

  /** The chat appears shortly after the installation: wait for it a little. */
  private async chatOf(tenantId: string, path: string): Promise<string> {
    const { attempts, delayMs } = this.o.chatWait ?? { attempts: 5, delayMs: 1_000 };
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let i = 1; ; i++) {
      try {
        const chat = await this.o.graph.request<{ id?: unknown }>(tenantId, 'GET', path);
        if (typeof chat?.id === 'string' && chat.id) return chat.id;
      } catch (err) {
        if (!(err instanceof GraphError && err.status === 404)) throw err;
      }
      if (i >= attempts) throw new DeliveryError('error', true, 'the installation has no chat yet');
      await sleep(delayMs);
    }
  }

  private catalogId(tenantId: string): Promise<string> {
    let id = this.catalogIds.get(tenantId);
    if (!id) {
      id = this.lookUpCatalogId(tenantId);
      this.catalogIds.set(tenantId, id);
      id.catch(() => this.catalogIds.delete(tenantId));
    }
    return id;
  }

  private async lookUpCatalogId(tenantId: string): Promise<string> {
    const filter = encodeURIComponent(`externalId eq '${this.o.teamsAppId}'`);
    const apps = await this.o.graph.request<{ value?: { id?: unknown }[] }>(
      tenantId,
      'GET',
      `/v1.0/appCatalogs/teamsApps?$filter=${filter}`,
    );
    const id = apps?.value?.find((v) => typeof v.id === 'string')?.id as string | undefined;
    // Not in the school's catalog: nobody can install it there, the student included (docs/deploy.md).
    if (!id) throw new DeliveryError('app-blocked', false, "the app is not in the school's app catalog");
    return id;
  }
}
