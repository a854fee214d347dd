/** RMQ patterns served by the users service. The suffix is the contract version. */
export const UsersPatterns = {
  register: 'users.register.v1',
  login: 'users.login.v1',
  findById: 'users.find-by-id.v1',
  updateProfile: 'users.update-profile.v1',
  validate: 'users.validate.v1',
} as const;

export const USERS_SERVICE = 'users';
