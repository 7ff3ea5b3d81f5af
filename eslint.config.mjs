import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Every HTTP exception class of @nestjs/common (and its status enum): what a lib must not throw or use. */
const NEST_HTTP_EXCEPTIONS = [
  'BadGatewayException', 'BadRequestException', 'ConflictException', 'ForbiddenException', 'GatewayTimeoutException',
  'GoneException', 'HttpException', 'HttpStatus', 'HttpVersionNotSupportedException', 'ImATeapotException',
  'InternalServerErrorException', 'IntrinsicException', 'MethodNotAllowedException', 'MisdirectedException',
  'NotAcceptableException', 'NotFoundException', 'NotImplementedException', 'PayloadTooLargeException',
  'PreconditionFailedException', 'RequestTimeoutException', 'ServiceUnavailableException', 'UnauthorizedException',
  'UnprocessableEntityException', 'UnsupportedMediaTypeException',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'apps/*/web/dist/**', 'migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': 'off',
      // Libs never reach into apps, and speak in domain errors (libs/errors), never in HTTP exceptions: the API's
      // filter and the socket acknowledgements map them at the edge. The other rules: .dependency-cruiser.cjs.
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/apps/**'], message: 'libs never import apps' }],
          paths: [
            {
              name: '@nestjs/common',
              importNames: NEST_HTTP_EXCEPTIONS,
              message: 'libs throw the domain errors of @brigade/errors; apps/api maps them to HTTP and socket answers',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
