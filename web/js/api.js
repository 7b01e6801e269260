// REST calls: JSON in and out; a refusal becomes an ApiError carrying the server's code.
import { deviceTokens } from './devices.js';

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** True when API Gateway (or Chalice locally) does not know the route: the endpoint is not deployed. */
  get notAvailable() {
    return this.status === 404 || (this.status === 403 && this.code === 'missing_route');
  }
}

export class Api {
  constructor(apiUrl, getToken = () => null) {
    this.apiUrl = apiUrl;
    this.getToken = getToken;
  }

  async request(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = this.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(this.apiUrl + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network', '');
    }
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    if (!response.ok) {
      const error = data && data.error;
      if (error && error.code) {
        const { code, message, ...details } = error;
        throw new ApiError(response.status, code, message, details);
      }
      // API Gateway's answer for a route that does not exist.
      if (data && /Missing Authentication Token/i.test(data.message || data.Message || '')) {
        throw new ApiError(response.status, 'missing_route', '');
      }
      throw new ApiError(response.status, `http_${response.status}`, '');
    }
    return data;
  }

  get(path) { return this.request('GET', path); }
  post(path, body = {}) { return this.request('POST', path, body); }
  put(path, body = {}) { return this.request('PUT', path, body); }

  // Participants
  challenge() { return this.get('/participants/challenge'); }
  signUp(pseudonym, password, challenge) { return this.post('/participants', { pseudonym, password, challenge }); }
  logIn(pseudonym, password) {
    return this.post('/participants/login', { pseudonym, password, device_tokens: deviceTokens() });
  }
  recover(pseudonym, recoveryCode, password) {
    return this.post('/participants/recover', { pseudonym, recovery_code: recoveryCode, password });
  }
  changePassword(password, newPassword) { return this.post('/me/password', { password, new_password: newPassword }); }
  renewRecoveryCode(password) { return this.post('/me/recovery-code', { password }); }
  exportMyData() { return this.get('/me/export'); }
  deleteAccount(password) { return this.request('DELETE', '/me', { password }); }
  groups() { return this.get('/groups'); }
  myGroups() { return this.get('/me/groups'); }
  // Reminders (teen/reminders.js) and the closed screen (teen/closed.js): follow a group.
  follow(groupId) { return this.put(`/me/groups/${enc(groupId)}`); }
  myReminders() { return this.get('/me/reminders'); }
  subscribeReminder(groupId, subscription) { return this.put(`/me/groups/${enc(groupId)}/reminder`, { subscription }); }
  unsubscribeReminder(groupId) { return this.request('DELETE', `/me/groups/${enc(groupId)}/reminder`); }
  /** The group's calendar (.ics): a plain link, public like the group list. */
  calendarUrl(gid) { return `${this.apiUrl}/groups/${enc(gid)}/calendar.ics`; }
  /** Would the chat let this token in now? Asked when a connection is refused: the socket cannot say why. */
  connectCheck(groupId) { return this.get(`/connect-check${groupId ? `?group_id=${enc(groupId)}` : ''}`); }

  // Mentors
  mentorLogIn(username, password) {
    return this.post('/mentors/login', { username, password, device_tokens: deviceTokens() });
  }
  sessions() { return this.get('/mentor/sessions'); }
  mentorGroups() { return this.get('/mentor/groups'); }
  removeMessage(sid, mid, reason) { return this.post(`/mentor/sessions/${enc(sid)}/messages/${enc(mid)}/remove`, { reason }); }
  mute(sid, pseudonym, minutes, reason) { return this.post(`/mentor/sessions/${enc(sid)}/mute`, { pseudonym, minutes, reason }); }
  kick(sid, pseudonym, reason) { return this.post(`/mentor/sessions/${enc(sid)}/kick`, { pseudonym, reason }); }
  ban(gid, pseudonym, days, reason) { return this.post(`/mentor/groups/${enc(gid)}/ban`, { pseudonym, days, reason }); }
  topic(sid, topic) { return this.post(`/mentor/sessions/${enc(sid)}/topic`, { topic }); }
  pin(sid, messageId) { return this.post(`/mentor/sessions/${enc(sid)}/pin`, { message_id: messageId }); }
  announce(sid, text) { return this.post(`/mentor/sessions/${enc(sid)}/announce`, { text }); }
  slowMode(sid, seconds) { return this.post(`/mentor/sessions/${enc(sid)}/slow_mode`, { seconds }); }
  openGroup(gid) { return this.post(`/mentor/groups/${enc(gid)}/open`); }
  closeSession(sid) { return this.post(`/mentor/sessions/${enc(sid)}/close`); }
  extend(sid, minutes) { return this.post(`/mentor/sessions/${enc(sid)}/extend`, { minutes }); }
  cancelDate(gid, date) { return this.post(`/mentor/groups/${enc(gid)}/cancel`, { date }); }
  admit(sid, pseudonym) { return this.post(`/mentor/sessions/${enc(sid)}/admit`, pseudonym ? { pseudonym } : { all: true }); }
  decline(sid, pseudonym) { return this.post(`/mentor/sessions/${enc(sid)}/decline`, { pseudonym }); }
  lock(sid, locked) { return this.post(`/mentor/sessions/${enc(sid)}/lock`, { locked }); }
  enrol(gid, pseudonym) { return this.post(`/mentor/groups/${enc(gid)}/members`, { pseudonym }); }
  duties() { return this.get('/mentor/duties'); }
  cannotCome(gid, meeting) { return this.post(`/mentor/duties/${enc(gid)}/${enc(meeting)}/cannot_come`); }
  reports(status = 'open') { return this.get(`/mentor/reports?status=${enc(status)}`); }
  resolveReport(rid, note) { return this.post(`/mentor/reports/${enc(rid)}/resolve`, { note }); }
  removeReportedMessage(rid, reason) { return this.post(`/mentor/reports/${enc(rid)}/remove_message`, { reason }); }
  claimReport(rid) { return this.post(`/mentor/reports/${enc(rid)}/claim`); }
  audit() { return this.get('/mentor/audit'); }

  // Admin
  adminGroups() { return this.get('/admin/groups'); }
  createGroup(group) { return this.post('/admin/groups', group); }
  updateGroup(gid, group) { return this.put(`/admin/groups/${enc(gid)}`, group); }
  mentors() { return this.get('/admin/mentors'); }
  createMentor(mentor) { return this.post('/admin/mentors', mentor); }
  deactivateMentor(mid) { return this.post(`/admin/mentors/${enc(mid)}/deactivate`); }
  figures() { return this.get('/admin/figures'); }
  roster() { return this.get('/admin/roster'); }
  setUsualDuty(gid, mentors) { return this.put(`/admin/groups/${enc(gid)}/duty`, { mentors }); }
  swapDuty(gid, meeting, mentors) { return this.put(`/admin/groups/${enc(gid)}/duty/${enc(meeting)}`, { mentors }); }
  settings() { return this.get('/admin/settings'); }
  saveSettings(settings) { return this.put('/admin/settings', settings); }
}

/** When the group meets next (UTC instant; shown in the viewer's own zone). */
export function nextStart(group) {
  if (group.next_session) return group.next_session.starts_at;
  const meeting = (group.next_meetings || [])[0];
  return meeting ? meeting.starts_at_utc : null;
}

// Session ids contain ':' (a legal path character); left as is, API Gateway and the local stack
// hand the same id to the handler whether or not they decode path parameters.
const enc = (value) => encodeURIComponent(value).replace(/%3A/gi, ':');
