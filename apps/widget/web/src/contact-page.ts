/**
 * The contact form on its own page (/contact/, served by the API): `data-mode="contact"` on the widget's script.
 * Opened from an answer mail's link (?suite=<signed token>), it exchanges the token for a web chat session of the
 * same contact and opens the full-page chat; an expired or altered link shows the form with a notice.
 */
import { CONTACT_STYLES, ContactForm } from './contact-form';
import { CONTACT_TEXTS } from './contact-i18n';
import { LANGUAGE_NAMES, LANGUAGES, Language, isLanguage } from './i18n';
import { writeStored } from './storage';
import styles from './styles.css?inline';

export interface ContactPageOptions {
  server: string;
  language: Language;
}

export function startContactPage(host: HTMLElement, options: ContactPageOptions): void {
  let language = options.language;
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = styles + CONTACT_STYLES;
  const title = document.createElement('h1');
  title.className = 'title';
  const subtitle = document.createElement('p');
  subtitle.className = 'subtitle';
  const languageMenu = document.createElement('select');
  languageMenu.className = 'language';
  for (const code of LANGUAGES) {
    const option = document.createElement('option');
    option.value = code;
    option.lang = code;
    option.textContent = LANGUAGE_NAMES[code];
    languageMenu.append(option);
  }
  const titles = document.createElement('div');
  titles.className = 'header__titles';
  titles.append(title, subtitle);
  const tools = document.createElement('div');
  tools.className = 'header__tools';
  tools.append(languageMenu);
  const header = document.createElement('header');
  header.className = 'header';
  header.append(titles, tools);
  const status = document.createElement('p');
  status.className = 'status';
  status.setAttribute('role', 'status');
  status.hidden = true;
  const main = document.createElement('main');
  main.className = 'panel panel--page';
  main.append(header, status);
  root.append(style, main);

  let form: ContactForm | null = null;
  const render = () => {
    const texts = CONTACT_TEXTS[language];
    title.textContent = texts.pageTitle;
    subtitle.textContent = texts.subtitle;
    languageMenu.value = language;
    languageMenu.setAttribute('aria-label', texts.languageLabel);
    document.title = texts.pageTitle;
    document.documentElement.lang = language;
    form?.setLanguage(language);
  };
  const showForm = (expiredLink: boolean) => {
    status.hidden = true;
    form = new ContactForm({
      server: options.server,
      language,
      idPrefix: 'contact',
      heading: 'h2',
      notice: expiredLink ? (texts) => texts.continueFailed : undefined,
    });
    main.append(form.element);
    render();
  };
  languageMenu.addEventListener('change', () => {
    if (isLanguage(languageMenu.value)) {
      language = languageMenu.value;
      writeStored({ language });
      render();
    }
  });
  render();

  const continueToken = new URLSearchParams(window.location.search).get('suite');
  if (!continueToken) return showForm(false);
  status.hidden = false;
  status.textContent = CONTACT_TEXTS[language].continuing;
  void fetch(`${options.server}/api/contact/continue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token: continueToken }),
  })
    .then(async (response) => {
      if (!response.ok) return showForm(true);
      const { token } = (await response.json()) as { token: string };
      writeStored({ token, language });
      // The link's token leaves the address bar and the history: the chat page is opened in its place.
      window.location.replace(`${options.server}/widget/index.html`);
    })
    .catch(() => showForm(true));
}
