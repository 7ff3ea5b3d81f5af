/**
 * Second pass of `npm run lint:architecture`: every lib collapsed into one node, so that a cycle between libs is
 * found whichever files carry it (a type-only import, an entities file). Options come from .dependency-cruiser.cjs.
 */
const { options } = require('./.dependency-cruiser.cjs');

module.exports = {
  forbidden: [
    {
      name: 'no-lib-cycles',
      comment:
        'Libs form a layered graph (docs/architecture.md): with a cycle between libs neither can be understood, tested ' +
        'or changed alone. Move the shared piece to the lib that owns the concept, invert the dependency through an ' +
        'interface or a token, or emit an event.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^libs/', circular: true },
    },
  ],
  options: { ...options, collapse: '^libs/[^/]+/' },
};
