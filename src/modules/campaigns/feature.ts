import { randomUUID } from 'node:crypto';
import { messageCard } from '../../core/cards/cards.ts';
import { t } from '../../core/i18n.ts';
import { type CardActionResponse, cardResponse, type Feature, type Turn } from '../../teams/turn.ts';
import type { Campaign } from './campaigns.ts';
import { campaignFormCard, campaignListCard, campaignTemplatesCard } from './cards.ts';
import { campaignLevel, campaignSector, defaultFlowFor } from './default-flow.ts';
import { formDefaults, formSchema, parseForm, valuesOf } from './form.ts';
import type { Campaigns } from './setup.ts';
import { listCounts } from './status.ts';
import { campaignTemplates } from './templates.ts';

// Campaigns in Teams, for coordinators: start one from a template, see the list, and watch a status
// card that updates in place while the campaign sends. The jobs that plan and send run on every
// instance; leases and claims make sure each prompt is planned and sent once.

/** Kicks the sender after a change, so a campaign due now does not wait for the next tick. */
function kick(turn: Turn): void {
  void turn.deps.jobs.runNow('campaigns.send');
}

async function groupChoices(engine: Campaigns, schoolId: string) {
  const groups = await engine.camp.groups.list(schoolId);
  return Promise.all(
    groups.map(async (g) => ({ id: g.id, name: g.name, members: (await engine.camp.groups.members(schoolId, g.id)).length })),
  );
}

/** The status card, answered to the button and kept up to date in the message the button was on. */
async function statusResponse(turn: Turn, engine: Campaigns, campaign: Campaign): Promise<CardActionResponse> {
  const replyToId = (turn.activity as { replyToId?: unknown }).replyToId;
  let current = campaign;
  if (typeof replyToId === 'string' && replyToId.length > 0 && replyToId.length <= 512) {
    current = await engine.service.attachStatusCard(campaign.schoolId, campaign.id, {
      conversationId: turn.activity.conversation.id,
      activityId: replyToId,
      serviceUrl: turn.activity.serviceUrl,
      locale: turn.locale,
      personId: turn.actor.id,
    });
  }
  return cardResponse(await engine.board.card(current, turn.locale));
}

async function findCampaign(turn: Turn, engine: Campaigns, data: Record<string, unknown>) {
  const id = data['campaignId'];
  if (typeof id !== 'string' || id.length > 64) return undefined;
  // A coordinator sees the campaigns of their own school only.
  return engine.camp.campaigns.get(turn.actor.schoolId, id);
}

async function listCard(turn: Turn) {
  const engine = turn.deps.modules.campaigns;
  const campaigns = (await engine.camp.campaigns.list(turn.actor.schoolId)).slice(0, 15);
  const items = await Promise.all(
    campaigns.map(async (campaign) => {
      const rows = await engine.camp.deliveries.find(campaign.schoolId, { campaignId: campaign.id });
      return { campaign, counts: listCounts(rows) };
    }),
  );
  return campaignListCard(turn.locale, items);
}

async function formFor(turn: Turn, templateId: string) {
  const { deps, locale, actor } = turn;
  const template = campaignTemplates.find((x) => x.id === templateId);
  if (!template) return messageCard('campaigns.errors.expiredForm', locale, 'attention');
  const engine = deps.modules.campaigns;
  const groups = await groupChoices(engine, actor.schoolId);
  if (groups.length === 0) return messageCard('campaigns.errors.noGroups', locale, 'attention');
  const [school, policy] = await Promise.all([deps.repos.schools.get(actor.schoolId), engine.policyFor(actor.schoolId)]);
  const kinds = [...(template.flowTypes ?? []), template.activityType];
  const firstGroup = groups.find((g) => g.members > 0) ?? groups[0]!;
  const sector = campaignSector(school, actor);
  // The flow offered first fits the class offered first (its level); the coordinator can pick another.
  const level = await campaignLevel(engine.camp.groups, school, [firstGroup.id], sector);
  const flow = defaultFlowFor(deps.flows, kinds, sector, level);
  return campaignFormCard({
    locale,
    template,
    formId: randomUUID(),
    groups,
    flows: deps.flows.all(),
    offerPreparation: deps.flows.all().some((f) => f.preparation !== undefined),
    values: formDefaults({
      template,
      name: `${t(locale, `campaigns.activityTypes.${template.activityType}`)} ${firstGroup.name}`,
      groupId: firstGroup.id,
      flowId: flow.id,
      now: deps.clock.now(),
      timeZone: policy.timeZone,
    }),
  });
}

export const campaignsFeature: Feature = {
  name: 'campaigns',
  commands: [
    {
      names: ['campagne', 'campaign', 'nieuwe campagne', 'new campaign'],
      action: 'campaign.manage',
      help: { section: 'coordinator', words: { nl: 'campagne', en: 'campaign' }, text: 'campaigns.help.new' },
      run: async (turn) => {
        await turn.sendCard(campaignTemplatesCard(turn.locale));
      },
    },
    {
      names: ['campagnes', 'campaigns'],
      action: 'campaign.manage',
      help: { section: 'coordinator', words: { nl: 'campagnes', en: 'campaigns' }, text: 'campaigns.help.list', menu: true },
      run: async (turn) => {
        await turn.sendCard(await listCard(turn));
      },
    },
  ],
  verbs: [
    { verb: 'campaign.new', action: 'campaign.manage', run: async (turn) => cardResponse(campaignTemplatesCard(turn.locale)) },
    { verb: 'campaign.list', action: 'campaign.manage', run: async (turn) => cardResponse(await listCard(turn)) },
    {
      verb: 'campaign.template',
      action: 'campaign.manage',
      run: async (turn, data) => cardResponse(await formFor(turn, typeof data['template'] === 'string' ? data['template'] : '')),
    },
    {
      verb: 'campaign.create',
      action: 'campaign.manage',
      run: async (turn, data) => {
        const { deps, locale, actor } = turn;
        const parsed = formSchema.safeParse(data);
        const template = parsed.success ? campaignTemplates.find((x) => x.id === parsed.data.template) : undefined;
        if (!parsed.success || !template) {
          deps.log.warn({ personId: actor.id, problem: parsed.error?.issues[0]?.path.join('.') }, 'campaign form refused');
          return cardResponse(messageCard('campaigns.errors.expiredForm', locale, 'attention'));
        }
        const engine = deps.modules.campaigns;
        const policy = await engine.policyFor(actor.schoolId);
        const form = parseForm(parsed.data, template, {
          schoolId: actor.schoolId,
          timeZone: policy.timeZone,
          now: deps.clock.now(),
        });
        const again = async (errors: string[]) =>
          cardResponse(
            campaignFormCard({
              locale,
              template,
              formId: parsed.data.formId,
              groups: await groupChoices(engine, actor.schoolId),
              flows: deps.flows.all(),
              offerPreparation: deps.flows.all().some((f) => f.preparation !== undefined),
              values: valuesOf(parsed.data),
              errors,
            }),
          );
        if (!form.ok) return again(form.problems.map((p) => t(locale, `campaigns.refusals.${p}`)));
        // A trialoog form has no flow input: the prompt is named by the sector's mid-internship flow.
        if (template.trialoog && !form.input.flowId) {
          const school = await deps.repos.schools.get(actor.schoolId);
          const kinds = [...(template.flowTypes ?? []), template.activityType];
          form.input.flowId = defaultFlowFor(deps.flows, kinds, campaignSector(school, actor)).id;
        }
        const result = await engine.service.create(actor.schoolId, form.input, {
          id: form.campaignId,
          createdBy: actor.id,
          activity: form.activity,
        });
        if (!result.ok) {
          deps.log.info({ personId: actor.id, refusals: result.refusals.map((r) => r.code) }, 'campaign refused');
          return again(result.refusals.map((r) => t(locale, `campaigns.refusals.${r.code}`, r.params)));
        }
        deps.log.info(
          { personId: actor.id, campaignId: result.campaign.id, created: result.created, planned: result.planned.deliveries },
          'campaign created in Teams',
        );
        kick(turn);
        return statusResponse(turn, engine, result.campaign);
      },
    },
    ...(['status', 'pause', 'resume', 'cancel'] as const).map((action) => ({
      verb: `campaign.${action}`,
      action: 'campaign.manage' as const,
      run: async (turn: Turn, data: Record<string, unknown>) => {
        const engine = turn.deps.modules.campaigns;
        const found = await findCampaign(turn, engine, data);
        if (!found) return cardResponse(messageCard('campaigns.errors.notFound', turn.locale, 'attention'));
        let campaign: Campaign | undefined = found;
        if (action !== 'status') {
          campaign = await engine.service[action](found.schoolId, found.id);
          turn.deps.log.info({ personId: turn.actor.id, campaignId: found.id, action }, 'campaign changed in Teams');
          kick(turn);
        }
        return statusResponse(turn, engine, campaign ?? found);
      },
    })),
  ],
};
