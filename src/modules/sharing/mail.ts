import { t } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { dayText } from '../mentoring/cards.ts';
import type { Supervisor } from './entities.ts';
import { firstName } from './page.ts';

// The mail that carries a supervisor's link, when the school sends mail (MAIL_SENDER): plain text, Dutch
// then English (the supervisor's language is not known), and nothing of the student but their first
// name: that they ask for feedback, the link, and until when it works. Never what they wrote.

export interface SupervisorMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
}

/** Sends a mail in the school's tenant; absent when the school does not send mail. */
export type MailSender = (schoolId: string, mail: SupervisorMail) => Promise<void>;

export function supervisorMail(input: {
  studentName: string;
  supervisor: Pick<Supervisor, 'name' | 'email'>;
  url: string;
  expiresAt: string;
  timeZone: string;
}): SupervisorMail {
  const name = firstName(input.studentName);
  const part = (locale: Locale) =>
    t(locale, 'sharing.mail.body', {
      name,
      supervisor: input.supervisor.name,
      url: input.url,
      date: dayText(input.expiresAt, locale, input.timeZone),
    });
  return {
    to: { name: input.supervisor.name, address: input.supervisor.email },
    subject: `${t('nl', 'sharing.mail.subject', { name })} / ${t('en', 'sharing.mail.subject', { name })}`,
    text: `${part('nl')}\n\n----\n\n${part('en')}\n`,
  };
}
