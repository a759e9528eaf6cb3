import express, { Router, type Response } from 'express';
import { errors } from '@switchyard/core';
import type { Identity } from '../../identity';
import { auditContext } from '../../identity/audit/context';
import { PASSWORD_MAX_LENGTH } from '../../identity/passwords';
import { ROLES, type Role } from '../../identity/roles';
import type { User } from '../../identity/users';
import { compileValidator } from '../../validation/validate';
import { isEmail, param, principalOf, userView } from './identity-http';

const validateNewUser = compileValidator<{ email: string; name?: string; role: Role; password?: string }>({
  type: 'object',
  required: ['email', 'role'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', minLength: 3, maxLength: 320 },
    name: { type: 'string', maxLength: 200 },
    role: { enum: [...ROLES] },
    password: { type: 'string', maxLength: PASSWORD_MAX_LENGTH },
  },
});

const validateUserPatch = compileValidator<{ name?: string; role?: Role; disabled?: boolean; password?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    role: { enum: [...ROLES] },
    disabled: { type: 'boolean' },
    password: { type: 'string', maxLength: PASSWORD_MAX_LENGTH },
  },
});

const ownerRequired = () => errors.forbidden('Only an owner can create, change or remove owners.', 'owner_required');
const lastOwner = () => errors.conflict('This is the last owner: make someone else an owner first.', null, 'last_owner');

/** Users CRUD (admins). Owners are managed only by owners, and the last owner cannot go. */
export function userRoutes({ identity }: { identity: Identity }): Router {
  const r = Router();
  r.use(express.json({ limit: '16kb' }));

  const requireUser = async (id: string): Promise<User> => {
    const user = await identity.users.get(id);
    if (!user) throw errors.notFound(`No user '${id}'.`, null, 'user_not_found');
    return user;
  };
  const isOwnerCaller = (res: Response) => principalOf(res).role === 'owner';
  /** Whether taking this user's owner powers away would leave no active owner. */
  const wouldLeaveNoOwner = async (target: User) => target.role === 'owner' && !target.disabled && (await identity.users.activeOwnerCount()) <= 1;
  const target = (u: User) => ({ type: 'user', id: u.id, label: u.email });
  const auditable = (u: User) => ({ email: u.email, name: u.name, role: u.role, disabled: u.disabled });

  r.get('/users', async (_req, res) => {
    res.json({ data: (await identity.users.list()).map(userView) });
  });

  r.get('/users/:id', async (req, res) => {
    res.json(userView(await requireUser(param(req, 'id'))));
  });

  r.post('/users', async (req, res) => {
    const body = validateNewUser(req.body);
    if (!isEmail(body.email.trim())) throw errors.invalidRequest("Invalid value for 'email': must be an email address.", 'email', 'invalid_value');
    if (body.role === 'owner' && !isOwnerCaller(res)) throw ownerRequired();
    const user = await identity.users.create(body);
    await identity.audit.record({ ...auditContext(req, res), action: 'user.create', target: target(user), details: { after: auditable(user), passwordSet: body.password !== undefined } });
    res.status(201).json(userView(user));
  });

  r.patch('/users/:id', async (req, res) => {
    const body = validateUserPatch(req.body);
    const before = await requireUser(param(req, 'id'));
    if ((before.role === 'owner' || body.role === 'owner') && !isOwnerCaller(res)) throw ownerRequired();
    const losesOwner = (body.role !== undefined && body.role !== 'owner') || body.disabled === true;
    if (losesOwner && (await wouldLeaveNoOwner(before))) throw lastOwner();

    const ctx = auditContext(req, res);
    let after = before;
    if (body.name !== undefined || body.role !== undefined || body.disabled !== undefined) {
      after = (await identity.users.update(before.id, { name: body.name, role: body.role, disabled: body.disabled })) ?? before;
    }
    if (body.password !== undefined) {
      await identity.users.setPassword(before.id, body.password);
      await identity.sessions.destroyForUser(before.id);
      await identity.audit.record({ ...ctx, action: 'user.password.reset', target: target(before) });
    }
    if (body.disabled === true && !before.disabled) await identity.sessions.destroyForUser(before.id);
    if (body.role !== undefined && body.role !== before.role) {
      await identity.audit.record({ ...ctx, action: 'user.role.change', target: target(before), details: { before: { role: before.role }, after: { role: body.role } } });
    }
    if (after !== before) await identity.audit.record({ ...ctx, action: 'user.update', target: target(before), details: { before: auditable(before), after: auditable(after) } });
    res.json(userView((await identity.users.get(before.id)) ?? after));
  });

  r.delete('/users/:id', async (req, res) => {
    const user = await requireUser(param(req, 'id'));
    if (user.role === 'owner' && !isOwnerCaller(res)) throw ownerRequired();
    if (await wouldLeaveNoOwner(user)) throw lastOwner();
    // Keys and sessions go with the user (foreign keys cascade); the bus tells the caches.
    await identity.users.remove(user.id);
    await identity.audit.record({ ...auditContext(req, res), action: 'user.delete', target: target(user), details: { before: auditable(user) } });
    res.status(204).end();
  });

  return r;
}

