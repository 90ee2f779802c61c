// The calendar links every surface shows are built in one place.
export { calendarSignature, calendarUrl, verifyCalendarSignature } from '../bookings/calendar-links.js';
