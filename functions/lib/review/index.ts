/** The reviewer-facing side: signed links, emails, pages, the decision form and score arithmetic. */

export * from './due';
export * from './emails';
export * from './errors';
export * from './extension';
export * from './flow';
export * from './form';
export * from './html';
export * from './page';
export * from './profile';
export * from './scores';
export * from './signing';
