import type { FlowCatalog } from '../../core/flows/flows.ts';
import { t } from '../../core/i18n.ts';
import { momentText } from '../../core/time/card-dates.ts';
import type { Locale } from '../../core/types.ts';
import { escapeMarkdown } from '../../platform/markdown.ts';
import { dossierEntries } from '../reflection/dossier.ts';
import { dossierEntryLines } from '../reflection/dossier-markdown.ts';
import type { PersonalData } from './personal-data.ts';

// The AVG/GDPR export of one student (right of access, art. 15, and to data portability, art. 20): every
// record that names them as JSON, exactly as stored (minus the store's own keys), with the names of the
// mentors, groups and campaigns it refers to; and a Markdown overview of the same in their language.
// Everything the student or a mentor typed is escaped in the Markdown (see modules/reflection/dossier-markdown.ts).

export const exportFormat = 'lob-reflectie/personal-data';
export const exportVersion = 1;

export function personalDataJson(data: PersonalData, madeAt: string): string {
  const { people, groups, campaigns } = data.names;
  const named = <T extends object>(list: T[], key: keyof T, names: Record<string, string>, as: string) =>
    list.map((x) => ({ ...x, [as]: names[String(x[key])] ?? null }));
  const doc = {
    format: exportFormat,
    version: exportVersion,
    madeAt,
    school: data.school ? { id: data.school.id, name: data.school.name } : null,
    person: data.person,
    mentorAssignments: named(data.assignments, 'mentorId', people, 'mentorName'),
    conversations: data.conversations,
    reflections: data.reflections,
    mentorInbox: named(data.mentorItems, 'mentorId', people, 'mentorName'),
    feedforwardNotes: named(data.notes, 'mentorId', people, 'mentorName'),
    talentSignals: named(data.talentSignals, 'teacherId', people, 'teacherName'),
    mentorFollowUps: named(data.followUps, 'mentorId', people, 'mentorName'),
    messages: data.outbox,
    mentorDigests: named(data.digests, 'mentorId', people, 'mentorName'),
    groupMemberships: named(data.memberships, 'groupId', groups, 'groupName'),
    campaignPrompts: named(data.deliveries, 'campaignId', campaigns, 'campaignName'),
    activities: data.activities,
    downloadLinks: data.downloads,
    supervisors: data.supervisors,
    shareLinks: data.shareLinks,
    supervisorAnswers: data.trialoogAnswers,
    studentPulses: data.pulseMarks.map((m) => ({ pulseId: m.pulseId, state: m.state })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function personalDataMarkdown(
  data: PersonalData,
  ctx: { locale: Locale; flows: FlowCatalog; madeOn: string; formatDate: (iso: string) => string },
): string {
  const { locale, formatDate } = ctx;
  const f = (key: string, params?: Record<string, string | number>) => t(locale, `privacy.file.${key}`, params);
  const name = (id: string) => escapeMarkdown(data.names.people[id] ?? '?');
  const p = data.person;
  const lines: string[] = [
    `# ${f('title')}`,
    '',
    `${f('of', { name: escapeMarkdown(p.name) })}. ${f('made', { date: ctx.madeOn })}`,
    '',
    f('intro'),
    '',
  ];
  const section = (title: string, items: string[]) => {
    lines.push(`## ${title}`, '');
    lines.push(...(items.length ? items.map((i) => `- ${i}`) : [f('none')]), '');
  };

  section(f('person'), [
    `${f('name')}: ${escapeMarkdown(p.name)}`,
    ...(p.email ? [`${f('email')}: ${escapeMarkdown(p.email)}`] : []),
    `${f('language')}: ${p.locale}`,
    `${f('roles')}: ${p.roles.join(', ') || '-'}`,
    `${f('reachable')}: ${p.reachability.state === 'reachable' ? f('yes') : f('unreachable', { date: formatDate(p.reachability.since) })}`,
    ...(p.pause ? [`${f('pause')}: ${f('pauseUntil', { date: formatDate(p.pause.until) })}`] : []),
    ...(p.sector ? [`${f('sector')}: ${p.sector}`] : []),
    ...(p.leftAt ? [`${f('left')}: ${formatDate(p.leftAt)}`] : []),
    `${f('firstSeen')}: ${formatDate(p.createdAt)}`,
  ]);
  section(
    f('mentors'),
    data.assignments.map((a) =>
      a.active || !a.endedAt
        ? f('mentorSince', { name: name(a.mentorId), since: formatDate(a.since) })
        : f('mentorEnded', { name: name(a.mentorId), since: formatDate(a.since), until: formatDate(a.endedAt) }),
    ),
  );
  section(
    f('groups'),
    data.memberships.map((m) => {
      const group = escapeMarkdown(data.names.groups[m.groupId] ?? '?');
      return m.active || !m.endedAt
        ? f('mentorSince', { name: group, since: formatDate(m.since) })
        : f('mentorEnded', { name: group, since: formatDate(m.since), until: formatDate(m.endedAt) });
    }),
  );

  const entries = dossierEntries(data.reflections, ctx.flows, locale);
  lines.push(`## ${f('reflections', { count: entries.length })}`, '');
  lines.push(...dossierEntryLines(entries, locale, formatDate, '###'));
  const open = data.reflections.filter((r) => r.status !== 'submitted');
  if (open.length) {
    lines.push(`### ${f('open')}`, '');
    for (const r of open) {
      const flow = ctx.flows.get(r.flowId) ?? ctx.flows.defaultFlow();
      const prep = r.preparation ? ` (${f('preparation', { text: escapeMarkdown(r.preparation.answer) })})` : '';
      lines.push(`- ${formatDate(r.createdAt)} · ${escapeMarkdown(flow.title[locale])}${prep}`);
    }
    lines.push('');
  }

  section(
    f('notes'),
    data.notes.flatMap((n) => [
      f('note', { date: formatDate(n.createdAt), name: name(n.mentorId), text: escapeMarkdown(n.text) }),
      ...(n.reply ? [f('reply', { date: formatDate(n.reply.at), text: escapeMarkdown(n.reply.text) })] : []),
    ]),
  );
  section(
    f('talents'),
    data.talentSignals.map((s) =>
      f('note', { date: formatDate(s.createdAt), name: name(s.teacherId), text: escapeMarkdown(s.text) }),
    ),
  );
  section(f('supervisor'), [
    ...data.supervisors.map((s) =>
      f('supervisorLine', { name: escapeMarkdown(s.name), email: escapeMarkdown(s.email), company: escapeMarkdown(s.company) }),
    ),
    ...data.trialoogAnswers.map((a) =>
      f('note', {
        date: formatDate(a.submittedAt),
        name: escapeMarkdown(a.supervisorName),
        text: escapeMarkdown([a.seen, a.next, a.more].filter(Boolean).join(' / ')),
      }),
    ),
  ]);
  section(
    f('followUps'),
    data.followUps.flatMap((fu) => [
      ...(fu.discussions.length
        ? [f('discussed', { name: name(fu.mentorId), dates: fu.discussions.map((d) => d.on).join(', ') })]
        : []),
      ...(fu.plan ? [f('planned', { name: name(fu.mentorId), date: formatDate(fu.plan.at) })] : []),
    ]),
  );
  section(
    f('prompts'),
    data.deliveries
      .slice()
      .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt))
      .map((d) => {
        const extra = [...(d.reminders ? [f('reminders', { count: d.reminders })] : []), ...(d.late ? [f('late')] : [])];
        const state = t(locale, `privacy.states.${d.state}`);
        return f('prompt', {
          date: formatDate(d.sentAt ?? d.scheduledAt),
          campaign: escapeMarkdown(data.names.campaigns[d.campaignId] ?? '?'),
          state: extra.length ? `${state} (${extra.join(', ')})` : state,
        });
      }),
  );
  section(
    f('activities'),
    data.activities.map((a) => f('activity', { date: formatDate(a.startsAt), title: escapeMarkdown(a.title) })),
  );
  section(f('technical'), [
    ...data.conversations.map(
      (c) =>
        `${f('chat')}: ${c.installed ? f('chatInstalled') : f('chatRemoved', { date: formatDate(c.uninstalledAt ?? c.updatedAt) })}`,
    ),
    f('mentorItems', { count: data.mentorItems.length }),
    f('digests', { count: data.digests.length }),
    f('outbox', { count: data.outbox.length }),
    f('downloads', { count: data.downloads.length }),
    f('shareLinks', { count: data.shareLinks.length }),
  ]);
  lines.push(`## ${f('rights')}`, '', f('rightsText'), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

export const personalDataFormats = ['md', 'json'] as const;

/** One of the export's two files, as a download or a file on disk. */
export function personalDataFile(
  data: PersonalData,
  format: string,
  ctx: { flows: FlowCatalog; now: Date; timeZone: string },
): { filename: string; contentType: string; body: string } | undefined {
  const day = ctx.now.toISOString().slice(0, 10);
  if (format === 'json') {
    return {
      filename: `lob-gegevens-${day}.json`,
      contentType: 'application/json; charset=utf-8',
      body: personalDataJson(data, ctx.now.toISOString()),
    };
  }
  if (format !== 'md') return undefined;
  const locale = data.person.locale;
  const formatDate = (iso: string) => momentText(iso, locale, ctx.timeZone, 'long');
  return {
    filename: `lob-gegevens-${day}.md`,
    contentType: 'text/markdown; charset=utf-8',
    body: personalDataMarkdown(data, { locale, flows: ctx.flows, madeOn: formatDate(ctx.now.toISOString()), formatDate }),
  };
}
