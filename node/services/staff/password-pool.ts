// The argon2id worker pool is common/auth's, shared with the hub; the node's services import it here.
export {
  createPasswordPool,
  type PasswordCheck,
  type PasswordHasher,
  type PasswordPoolOptions,
} from '../../../common/auth/index.js';
