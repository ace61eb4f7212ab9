/**
 * The device model in the Felix Web Console: the page ({@link DevicesPlugin}) with its JSON
 * ({@link ModelSnapshot}), the actions ({@link Actions}) guarded by a token
 * ({@link ActionTokens}), the uevents it follows ({@link UeventLog}), the lifetime report as an
 * inventory printer ({@link LifetimeReportPrinter}) and the console's credentials
 * ({@link ConsoleCredentials}). Private: nothing here is API.
 */
package org.drivermodel.webconsole.impl;
