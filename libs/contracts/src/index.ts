export * from './common/error-codes';
export * from './common/message-headers';
export * from './common/rpc-sender';
export * from './users/users.patterns';
export * from './users/users.dto';
export * from './users/users.client';
