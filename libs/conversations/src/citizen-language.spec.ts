import { citizenLanguageOf, declaredLanguage, detectCitizenLanguage } from './citizen-language';

describe('declaredLanguage', () => {
  it.each([
    ['de-DE', 'de'],
    ['en_GB', 'en'],
    ['IT', 'it'],
    ['es', 'es'],
    ['fr-FR', 'fr'],
  ])('reads %s as %s', (tag, language) => {
    expect(declaredLanguage(tag)).toBe(language);
  });

  it.each([['pt-BR'], [''], [42], [undefined]])('answers null for %p, a language we do not answer in', (tag) => {
    expect(declaredLanguage(tag)).toBeNull();
  });

  it('falls back to French for anything unknown', () => {
    expect(citizenLanguageOf('pt')).toBe('fr');
    expect(citizenLanguageOf(null)).toBe('fr');
  });
});

describe('detectCitizenLanguage', () => {
  it.each([
    ['Bonjour, on m’a volé mon vélo devant la gare hier soir', 'fr'],
    ['Hello, my bike was stolen outside the station last night', 'en'],
    ['Hallo, mein Fahrrad wurde gestern Abend am Bahnhof gestohlen', 'de'],
    ['Buongiorno, ieri sera mi hanno rubato la bicicletta davanti alla stazione', 'it'],
    ['Hola, anoche me robaron la bicicleta delante de la estación', 'es'],
    ['Ich möchte eine Anzeige erstatten', 'de'],
    ['Vorrei sporgere denuncia per una truffa', 'it'],
    ['Quiero denunciar una estafa por internet', 'es'],
  ])('recognises "%s" as %s', (text, language) => {
    expect(detectCitizenLanguage(text)).toBe(language);
  });

  it.each([['ok'], ['17'], ['👍'], ['slt jveu porter plainte']])('does not move away from French on "%s"', (text) => {
    expect([null, 'fr']).toContain(detectCitizenLanguage(text));
  });
});
