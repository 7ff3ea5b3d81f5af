/**
 * The way into "Laisser un message" from the chat panel: a link under the conversation (the citizen's choice at any
 * time), and a notice at the top of the chat when no gendarme is on duty. The form replaces the chat view while open.
 */
import { ContactForm, loadContactFormInfo } from './contact-form';
import { CONTACT_TEXTS } from './contact-i18n';
import type { Language } from './i18n';

export class ContactEntry {
  /** The notice shown above the conversation when no gendarme is on duty. */
  readonly notice: HTMLElement;
  /** The footer link, always there. */
  readonly link: HTMLButtonElement;
  /** The form's view, a sibling of the chat view in the panel. */
  readonly view: HTMLElement;
  private form: ContactForm | null = null;
  private language: Language;
  private offDuty = false;
  private answered = false;
  private readonly noticeText: HTMLParagraphElement;
  private readonly noticeButton: HTMLButtonElement;

  constructor(
    private readonly server: string,
    language: Language,
    private readonly chatView: HTMLElement,
    private readonly toggled: (open: boolean) => void,
  ) {
    this.language = language;
    this.noticeText = document.createElement('p');
    this.noticeButton = document.createElement('button');
    this.noticeButton.type = 'button';
    this.noticeButton.className = 'btn btn--small';
    this.notice = document.createElement('div');
    this.notice.className = 'contact-entry';
    this.notice.hidden = true;
    this.notice.append(this.noticeText, this.noticeButton);
    this.link = document.createElement('button');
    this.link.type = 'button';
    this.link.className = 'link-button';
    this.link.dataset.contactEntry = '';
    this.view = document.createElement('div');
    this.view.className = 'view';
    this.view.hidden = true;
    this.noticeButton.addEventListener('click', () => this.open());
    this.link.addEventListener('click', () => this.open());
    this.render();
    void loadContactFormInfo(server).then((info) => {
      this.offDuty = !!info && !info.gendarmesOnDuty;
      this.showNotice();
    });
  }

  /** A gendarme holds the conversation: "nobody is available" would contradict them, so the notice goes. */
  setAnswered(answered: boolean): void {
    this.answered = answered;
    this.showNotice();
  }

  private showNotice(): void {
    this.notice.hidden = !this.offDuty || this.answered;
  }

  setLanguage(language: Language): void {
    this.language = language;
    this.form?.setLanguage(language);
    this.render();
  }

  open(): void {
    this.form ??= this.createForm();
    this.chatView.hidden = true;
    this.view.hidden = false;
    this.toggled(true);
    this.form.focus();
  }

  close(): void {
    this.view.hidden = true;
    this.chatView.hidden = false;
    this.toggled(false);
  }

  private createForm(): ContactForm {
    const form = new ContactForm({
      server: this.server,
      language: this.language,
      idPrefix: 'bw-contact',
      heading: 'h3',
      onBack: () => this.close(),
      // The panel shows the emergency numbers above every view already.
      showEmergency: false,
      notice: this.notice.hidden ? undefined : (texts) => texts.offDuty,
    });
    this.view.append(form.element);
    return form;
  }

  private render(): void {
    const texts = CONTACT_TEXTS[this.language];
    this.noticeText.textContent = texts.offDuty;
    this.noticeButton.textContent = texts.entry;
    this.link.textContent = texts.entry;
  }
}
