export * from './knowledge-article.entity';
export * from './knowledge-article-version.entity';
export * from './knowledge-editor.entity';
export * from './knowledge-event.entity';
export * from './knowledge-word.entity';
