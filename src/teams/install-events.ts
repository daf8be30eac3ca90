import { welcomeCard } from '../core/cards/cards.ts';
import type { IdentityConflict } from '../core/identity.ts';
import { capturePersonalInstall, capturePersonalUninstall, captureTeamInstall, captureTeamUninstall } from '../core/install.ts';
import { conversationInfo, type Envelope, isPersonal, replyTarget, tenantOf } from './activity.ts';
import type { SenderIdentity } from './sender-identity.ts';
import type { BotDeps } from './turn.ts';

// The app added to or removed from a personal chat or a team: the conversation and the people in it
// are captured (idempotent: Teams sends installationUpdate and conversationUpdate for one install).

export interface InstallEvents {
  added(a: Envelope): Promise<void>;
  removed(a: Envelope): Promise<void>;
}

/** For IT: which record the newcomer collided with, and the newcomer's ids to look up in Entra. */
export function logConflict(log: BotDeps['log'], conflict: IdentityConflict, ids: Record<string, string | undefined>): void {
  log.warn(
    { personId: conflict.personId, recorded: conflict.recorded, via: conflict.via, ...ids },
    'identity conflict: refused (another account has this e-mail address or Teams id); IT must check the roster',
  );
}

export function installEvents(deps: BotDeps, sender: SenderIdentity): InstallEvents {
  const { log } = deps;

  const added = async (a: Envelope) => {
    if (isPersonal(a)) {
      const { person, firstTime } = await capturePersonalInstall(
        deps.install,
        await sender.identity(a, true),
        conversationInfo(a),
      );
      log.info({ personId: person.id, firstTime }, 'installed in a personal chat');
      if (firstTime) {
        // Through the tenant's send windows with retries, like every proactive send (an install wave is a burst).
        await sender.inSectorOf(person, () =>
          deps.reach.sendToConversation(tenantOf(a)!, replyTarget(a), welcomeCard(person.locale, person.name), person.name),
        );
      }
      // A mentor who just installed the app may have cards waiting.
      void deps.router.sweep().catch((err) => log.warn({ err: String(err) }, 'sweep after install failed'));
      return;
    }
    const teamId = a.channelData?.team?.id;
    if (!teamId) {
      log.info({ conversationType: a.conversation.conversationType }, 'installed in a group chat: nothing to capture');
      return;
    }
    let roster: Awaited<ReturnType<typeof deps.connector.getAllMembers>> = [];
    try {
      roster = await deps.connector.getAllMembers(a.serviceUrl, teamId);
    } catch (err) {
      log.warn({ err: String(err) }, 'could not read the team roster');
    }
    const { matched, conflicts } = await captureTeamInstall(
      deps.install,
      {
        tenantId: tenantOf(a)!,
        teamId,
        ...(a.channelData?.team?.name ? { teamName: a.channelData.team.name } : {}),
        ...conversationInfo(a),
      },
      roster.map((m) => ({
        teamsUserId: m.id,
        ...(m.aadObjectId || m.objectId ? { entraObjectId: m.aadObjectId ?? m.objectId } : {}),
        ...(m.email || m.userPrincipalName ? { email: m.email ?? m.userPrincipalName } : {}),
        ...(m.name ? { name: m.name } : {}),
      })),
    );
    for (const conflict of conflicts) logConflict(log, conflict, { teamId });
    log.info({ teamId, members: roster.length, matched, conflicts: conflicts.length }, 'added to a team');
    void deps.router.sweep().catch((err) => log.warn({ err: String(err) }, 'sweep after team install failed'));
  };

  const removed = async (a: Envelope) => {
    if (isPersonal(a)) {
      const person = await capturePersonalUninstall(deps.install, await sender.identity(a, false));
      log.info({ personId: person?.id }, 'removed from a personal chat');
      return;
    }
    const teamId = a.channelData?.team?.id;
    if (teamId) await captureTeamUninstall(deps.install, tenantOf(a)!, teamId);
    log.info({ teamId }, 'removed from a team');
  };

  return { added, removed };
}
