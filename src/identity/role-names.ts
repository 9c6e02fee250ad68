// The two role names every part of the service refers to.
export const ADMIN_ROLE_NAME = 'osmo-admin';
export const USER_ROLE_NAME = 'osmo-user';
