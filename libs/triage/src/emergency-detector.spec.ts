import { assessEmergency } from './emergency-detector';

describe('assessEmergency', () => {
  it.each([
    'Il me frappe, venez vite',
    'IL ME FRAPPE',
    'il me frape', // typo
    'Mon mari m’a frappée ce soir',
    'il a un couteau dans la cuisine',
    'Il a sorti un COUTEAU',
    'Je suis en danger',
    'je suis en dangé', // accent typed wrong
    'je suis en dangerrrr',
    'Au secours !!!',
    'je veux me suicider',
    'J’ai envie de mettre fin à mes jours',
    'il menace de me tuer',
    'C’est urgent, aidez-moi vite',
    'urgence',
    'Someone is hitting me',
    'he has a knife',
    "I'm in danger",
    'I want to kill myself',
  ])('recognises danger in %p', (text) => {
    expect(assessEmergency(text).emergency).toBe(true);
  });

  it.each([
    'Bonjour, je voudrais faire une procuration pour voter',
    'On m’a volé mon vélo hier devant la gare',
    'Comment porter plainte pour une arnaque sur internet ?',
    'Je voudrais devenir gendarme, quel concours passer ?',
    'Mon voisin fait du bruit tous les soirs',
    'J’ai perdu mon portefeuille au marché',
    'Le dangereux virage de la départementale mériterait un panneau',
    'Ma fille a fait un couteau en pâte à modeler',
    'Quel est le délai pour une réponse de la brigade ?',
    'I lost my passport, what should I do?',
    'Merci beaucoup pour votre aide',
    '',
  ])('does not raise a false alarm on %p', (text) => {
    expect(assessEmergency(text)).toEqual({ emergency: false, matched: null });
  });

  it('says which wording it recognised', () => {
    expect(assessEmergency('Aidez moi il a un couteau').matched).toBe('a un couteau');
  });
});
