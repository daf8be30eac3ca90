import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumFlags, chromiumPath } from '../../../scripts/chromium.ts';
import { buildCheckEvidence, evidencePeriod } from '../../../src/modules/quality-cycle/check-evidence.ts';
import { createTeam } from '../../../src/modules/quality-cycle/education-teams.ts';
import { evidenceCard } from '../../../src/modules/quality-cycle/evidence-cards.ts';
import { evidenceCsv, evidenceMarkdown } from '../../../src/modules/quality-cycle/evidence-export.ts';
import { schoolClock } from '../../../src/modules/quality-cycle/year-cycle.ts';
import { renderCard } from '../../helpers/render-card.ts';
import { answer, nov, runSend, voiceSchool } from './school.ts';

// What coordinators and team leaders see of the pulse: the coordinator page (over HTTP, as the page's
// script asks for it) and a team's Check evidence. Figures beside the JOB-monitor line, remarks only for
// the school level and escaped, and nothing about fewer than 5 answers.

const hostile = '<script>alert(1)</script> **vet**';
const artifacts = path.resolve('test-artifacts/student-voice');

describe('student pulse for coordinators and team leaders', () => {
  let school: Awaited<ReturnType<typeof voiceSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('shows aggregates of 5 or more beside the JOB monitor 2014, remarks to the coordinator only, and counts in the Check evidence', {
    timeout: 180_000,
  }, async () => {
    school = await voiceSchool(9, nov(16, '10:00'), { DEV_PAGE_LOGIN: 'true' });
    const { w, voice, students } = school;
    const schoolId = students[0]!.person.schoolId;
    const coordinator = await w.person('Cor Decaan', 'cor@school.nl', 'coordinator');
    const leader = await w.person('Lisa Teamleider', 'lisa@school.nl', 'team-leader');
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    // The team: the mentor's six students. The other three are in no team.
    for (const s of students.slice(0, 6)) await w.assign(s.user, mentor.user);
    await createTeam(w.t.bot.deps.modules.qualityCycle.cycle, schoolId, {
      id: 'havo-4',
      name: 'Havo 4',
      leaders: [leader.user.email],
      mentors: [mentor.user.email],
    });
    const whole = await voice.pulses.schedule({ schoolId, opensOn: '2026-11-16', days: 7, origin: 'cli' });
    const team = await voice.pulses.schedule({ schoolId, opensOn: '2026-11-16', days: 7, teamId: 'havo-4', origin: 'cli' });
    if (!whole.ok || !team.ok) throw new Error('not scheduled');
    expect(team.pulse.invited).toBe(6);
    expect((await runSend(w)).sent).toBe(15);
    // The whole school: 6 answers, 5 with a remark. The team: 4 answers.
    for (const [i, s] of students.slice(0, 6).entries()) {
      await w.act(s.user, 'student-voice.answer', {
        pulseId: whole.pulse.id,
        ...answer,
        ...(i < 5 ? { remark: `Opmerking ${i} ${hostile}` } : {}),
      });
    }
    for (const s of students.slice(0, 4)) {
      await w.act(s.user, 'student-voice.answer', { pulseId: team.pulse.id, ...answer, remark: 'Alleen voor het team' });
    }

    const page = async (email: string) => {
      const res = await fetch(`${w.t.bot.url}/coordinator/api/view?lang=nl`, { headers: { 'x-dev-login': email } });
      expect(res.status).toBe(200);
      return String(((await res.json()) as Record<string, unknown>)['html']);
    };
    // Open: no figures yet.
    let html = await page(coordinator.user.email);
    expect(html).toContain('data-view="voice"');
    expect(html).toContain(`data-pulse="${whole.pulse.id}" data-state="open"`);
    expect(html).not.toContain('Opmerking');

    // Closed. The page keeps figures a while: a new bot view computes them afresh for the test.
    w.clock.set(nov(24, '10:00'));
    await w.t.bot.deps.modules.coordinatorPage.figures.warm();
    html = await page(coordinator.user.email);
    expect(html).toContain(`data-pulse="${whole.pulse.id}" data-state="shown"`);
    expect(html).toContain('6 antwoorden van 9 uitgenodigden (67%)');
    expect(html).toMatch(/data-question="guidance".*?data-field="satisfied">100%/s);
    expect(html).toMatch(/data-question="choice".*?data-field="dissatisfied">100%/s);
    expect(html).toContain('46% tevreden');
    expect(html).toContain('41% tevreden, 21% ontevreden');
    expect(html).toContain('49% tevreden, 18% ontevreden');
    expect(html).toContain('JOB-monitor 2014 onder mbo-studenten');
    expect(html).toContain('Opmerking 0 &lt;script&gt;');
    expect(html).not.toContain('<script>alert');
    // The team's pulse had 4 answers: nothing of it, not even its remarks.
    expect(html).toContain(`data-pulse="${team.pulse.id}" data-state="hidden"`);
    expect(html).not.toContain('Alleen voor het team');

    // In the browser, as the coordinator opens the page: the tab shows the figures and the source.
    if (fs.existsSync(chromiumPath)) {
      const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, headless: true });
      try {
        const tab = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
        await tab.goto(`${w.t.bot.url}/coordinator?as=${encodeURIComponent(coordinator.user.email)}&lang=nl#voice`);
        await tab.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
        await tab.click('[data-tab="voice"]');
        const shown = (await tab.locator('section[data-view="voice"]').textContent()) ?? '';
        expect(shown).toContain('De stem van de student');
        expect(shown).toContain('41% tevreden, 21% ontevreden');
        expect(shown).toContain('Opmerking 0 <script>alert(1)</script> **vet**');
        expect(await tab.locator('section[data-view="campaigns"]').isHidden()).toBe(true);
        fs.mkdirSync(artifacts, { recursive: true });
        await tab.screenshot({ path: path.join(artifacts, 'voice.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    }

    // The team leader: the school's figures and their own team's pulse, never a remark.
    const leaderHtml = await page(leader.user.email);
    expect(leaderHtml).toContain(`data-pulse="${whole.pulse.id}" data-state="shown"`);
    expect(leaderHtml).toContain(`data-pulse="${team.pulse.id}" data-state="hidden"`);
    expect(leaderHtml).not.toContain('Opmerking 0');
    expect(leaderHtml).toContain('Open opmerkingen ziet alleen de LOB-coördinator');

    // The team's Check evidence counts both pulses, each on its own, without remarks.
    const cycleDeps = w.t.bot.deps.modules.qualityCycle;
    const clock = await schoolClock(cycleDeps.cycle, schoolId);
    const teamDoc = (await cycleDeps.cycles.teams.get(schoolId, 'havo-4'))!;
    const evidence = await buildCheckEvidence(cycleDeps.evidence, {
      schoolId,
      team: teamDoc,
      schoolYear: clock.year.id,
      period: evidencePeriod('year', clock).period,
      now: w.clock.now(),
    });
    const byId = new Map((evidence.studentVoice ?? []).map((p) => [p.id, p]));
    expect(byId.get(team.pulse.id)?.figures).toEqual({ hidden: true, reason: 'too-few-respondents' });
    expect(byId.get(whole.pulse.id)?.figures).toEqual({
      hidden: false,
      respondents: 6,
      value: { respondents: 6, satisfied: { guidance: 1, choice: 0, internship: 1 } },
    });
    expect(JSON.stringify(evidence)).not.toContain('Opmerking');
    // On the team's evidence card, through the real renderer.
    const card = evidenceCard('nl', evidence, { period: 'year', activityLabel: (x) => x });
    const rendered = renderCard(card);
    expect(rendered.problems).toEqual([]);
    expect(rendered.text).toContain('De stem van de student');
    expect(rendered.text).toContain(
      'Peiling hele school tot 22 november 2026: 6 van 9 antwoordden; tevreden over de loopbaanbegeleiding 100%',
    );
    expect(rendered.text).toContain('(JOB-monitor 2014: 46%, 41%, 49%)');
    expect(rendered.text).toContain('Peiling van het team tot 22 november 2026: minder dan 5 antwoorden, geen uitkomsten.');

    // And in the exports a team takes to its evaluation: aggregates only, the reference beside them.
    const markdown = evidenceMarkdown(evidence, 'nl', (x) => x);
    const voiceSection = markdown.slice(markdown.indexOf('## De stem van de student'));
    expect(voiceSection).toContain(
      [
        '| Peiling | Antwoorden | Tevreden: Loopbaanbegeleiding | Tevreden: Hulp bij kiezen | Tevreden: Voorbereiding stage/BPV |',
        '| --- | --- | ---: | ---: | ---: |',
        '| Peiling hele school tot 22 november 2026 | 6 van 9 | 100% | 0% | 100% |',
        '| Peiling van het team tot 22 november 2026 | minder dan 5 antwoorden, geen uitkomsten. | | | |',
        '| JOB-monitor 2014 (referentie) | | 46% | 41% | 49% |',
      ].join('\n'),
    );
    expect(voiceSection).toContain('gebruikte andere vragen en schalen');
    const csv = evidenceCsv(evidence, 'nl', (x) => x).split('\r\n');
    expect(csv).toContain('Peiling hele school tot 22 november 2026: Antwoorden;;6;67%');
    expect(csv).toContain('Peiling hele school tot 22 november 2026: Tevreden: Hulp bij kiezen;;;0%');
    // Quoted: it holds a comma, the other list separator (a Dutch file opened where "," splits).
    expect(csv).toContain('Peiling van het team tot 22 november 2026;;"minder dan 5 antwoorden, geen uitkomsten.";');
    expect(csv).toContain('JOB-monitor 2014 (referentie): Tevreden: Loopbaanbegeleiding;;;46%');
    // The team's pulse had 4 answers: no count of it anywhere, and no remark in either file.
    expect(csv.filter((l) => l.startsWith('Peiling van het team'))).toHaveLength(1);
    for (const file of [markdown, csv.join('\n')]) {
      expect(file).not.toContain('Opmerking');
      expect(file).not.toContain('Alleen voor het team');
    }
  });
});
