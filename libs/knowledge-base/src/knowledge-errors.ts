/** Errors of the knowledge base, mapped to HTTP answers by the API (the domain does not speak HTTP). */
export class KnowledgeNotFoundError extends Error {
  constructor(message = 'Article introuvable') {
    super(message);
  }
}

export class KnowledgeConflictError extends Error {}

export class KnowledgeValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(' ; '));
  }
}

export class KnowledgeForbiddenError extends Error {
  constructor(message = 'Réservé aux administrateurs et aux rédacteurs de la base de connaissances') {
    super(message);
  }
}
