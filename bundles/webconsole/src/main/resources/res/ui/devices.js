/*
 * drivermodel web console page: polls devices.json twice a second and redraws what changed
 * (a uevent shows without a reload); posts the actions with the page's token and shows what
 * the model answered, an errno in red.
 */
(function () {
    'use strict';
    var page = document.getElementById('dm-page');
    var jsonUrl = page.getAttribute('data-json');
    var token = page.getAttribute('data-token');
    var POLL_MS = 500;
    var lastModel = null, lastDevice = null, selected = null, model = null;

    function esc(s) {
        return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
            return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
        });
    }
    function el(id) { return document.getElementById(id); }

    /** A report entry's detail: its first line, the rest (a stack) folded away. */
    function detail(text) {
        var nl = String(text).indexOf('\n');
        return nl < 0 ? esc(text) : esc(text.substring(0, nl))
            + '<details><summary>more</summary><pre>' + esc(text.substring(nl + 1)) + '</pre></details>';
    }

    function status(text, ok) {
        var s = el('dm-status');
        s.textContent = text;
        s.className = 'dm-status ' + (ok ? 'dm-ok' : 'dm-refused');
    }

    function post(params) {
        var body = new URLSearchParams(params);
        return fetch(jsonUrl, {
            method: 'POST', credentials: 'same-origin', body: body,
            headers: { 'X-Drivermodel-Token': token }
        }).then(function (r) { return r.json(); }).then(function (a) {
            status(a.ok ? a.message : a.message, a.ok);
            poll(true);
            return a;
        }).catch(function (e) { status('EIO: ' + e, false); });
    }

    function button(label, params, cls) {
        return '<button type="button" class="dm-action ' + (cls || '') + '" data-params="' + esc(JSON.stringify(params)) + '">'
            + esc(label) + '</button>';
    }

    function deviceRow(d, byParent, drivers) {
        var actions = '';
        if (d.driver) {
            actions += button('Unbind', { action: 'unbind', driver: d.bus + '/' + d.driver, device: d.name }, 'dm-unbind');
        } else if (d.state === 'UNBOUND') {
            drivers.filter(function (x) { return x.bus === d.bus; }).forEach(function (x) {
                actions += button('Bind ' + x.name, { action: 'bind', driver: x.bus + '/' + x.name, device: d.name }, 'dm-bind');
            });
        }
        if (d.bus === 'vbus' && !d.parent) {
            actions += button('Unplug', { action: 'unplug', device: d.name }, 'dm-unplug');
        }
        var bundle = d.driverBundle ? d.driverBundle.symbolicName + ' [' + d.driverBundle.id + ']' : '-';
        var row = '<div class="dm-device-row' + (d.path === selected ? ' dm-selected' : '') + '" data-path="' + esc(d.path) + '">'
            + '<a href="#" class="dm-select" data-path="' + esc(d.path) + '">' + esc(d.name) + '</a> '
            + '<span class="dm-state dm-state-' + esc(d.state) + '">' + esc(d.state) + '</span> '
            + 'driver <span class="dm-driver">' + esc(d.driver || '-') + '</span> '
            + '(<span class="dm-bundle">' + esc(bundle) + '</span>) ' + actions + '</div>';
        var children = byParent[d.path] || [];
        if (children.length === 0) {
            return row;
        }
        return '<details open><summary>' + row + '</summary>'
            + children.map(function (c) { return deviceRow(c, byParent, drivers); }).join('') + '</details>';
    }

    function renderModel(m) {
        var byPath = {}, byParent = {};
        m.devices.forEach(function (d) { byPath[d.path] = d; });
        m.devices.forEach(function (d) {
            if (d.parent && byPath[d.parent]) {
                (byParent[d.parent] = byParent[d.parent] || []).push(d);
            }
        });
        var tree = '<details open class="dm-buses"><summary>buses</summary>';
        m.buses.forEach(function (b) {
            var roots = m.devices.filter(function (d) { return d.bus === b.name && !(d.parent && byPath[d.parent] && byPath[d.parent].bus === b.name); });
            tree += '<details open class="dm-bus" data-bus="' + esc(b.name) + '"><summary>' + esc(b.name)
                + ' (' + b.devices.length + ')</summary>'
                + roots.map(function (d) { return deviceRow(d, byParent, m.drivers); }).join('') + '</details>';
        });
        tree += '</details><details open class="dm-classes"><summary>classes</summary>';
        m.classes.forEach(function (c) {
            tree += '<details open class="dm-class"><summary>' + esc(c.name) + ' (' + c.devices.length + ')</summary>'
                + c.devices.map(function (p) { return byPath[p] ? deviceRow(byPath[p], {}, m.drivers) : ''; }).join('') + '</details>';
        });
        tree += '</details>';
        el('dm-tree').innerHTML = tree;

        el('dm-drivers').innerHTML = '<table><tr><th>driver</th><th>bus</th><th>bundle</th><th>state</th><th>bound</th><th></th></tr>'
            + m.drivers.map(function (d) {
                return '<tr class="dm-driver-row" data-driver="' + esc(d.name) + '"><td>' + esc(d.name) + '</td><td>' + esc(d.bus)
                    + '</td><td>' + esc(d.bundle.symbolicName) + ' [' + d.bundle.id + ']</td><td>' + esc(d.bundle.state)
                    + '</td><td>' + esc(d.bound.join(', ') || '-') + '</td><td>'
                    + button('Stop', { action: 'stop', driver: d.name }, 'dm-stop')
                    + button('Force stop', { action: 'stop', driver: d.name, force: 'true' }, 'dm-force-stop') + '</td></tr>';
            }).join('') + '</table>';

        el('dm-bundles').innerHTML = '<table><tr><th>bundle</th><th>state</th><th></th></tr>'
            + m.driverBundles.map(function (b) {
                return '<tr class="dm-bundle-row" data-bundle="' + esc(b.symbolicName) + '"><td>' + esc(b.symbolicName) + ' [' + b.id
                    + ']</td><td class="dm-bundle-state">' + esc(b.state) + '</td><td>'
                    + (b.state === 'ACTIVE' ? '' : button('Start', { action: 'start', bundle: b.symbolicName }, 'dm-start')) + '</td></tr>';
            }).join('') + '</table>';

        el('dm-buses').innerHTML = '<table><tr><th>bus</th><th>autoprobe</th><th>devices</th></tr>'
            + m.buses.map(function (b) {
                return '<tr><td>' + esc(b.name) + '</td><td>' + esc(b.autoprobe) + '</td><td>' + esc(b.devices.join(', ') || '-') + '</td></tr>';
            }).join('') + '</table>';

        var r = m.report;
        el('dm-report').innerHTML = '<h3>references</h3>' + (r.references.length === 0 ? '<p>none</p>' : '<table><tr><th>object</th><th>holder</th><th>count</th></tr>'
                + r.references.map(function (x) { return '<tr><td>' + esc(x.object) + '</td><td>' + esc(x.holder) + '</td><td>' + x.count + '</td></tr>'; }).join('') + '</table>')
            + '<h3>pins</h3>' + (r.pins.length === 0 ? '<p>none</p>' : '<table><tr><th>device</th><th>driver</th><th>holder</th><th>reason</th></tr>'
                + r.pins.map(function (p) { return '<tr class="dm-pin"><td>' + esc(p.device) + '</td><td>' + esc(p.driver) + '</td><td>' + esc(p.holder) + '</td><td>' + esc(p.reason) + '</td></tr>'; }).join('') + '</table>')
            + '<h3>leaks, stuck drains and faults</h3>' + (r.leaks.length === 0 ? '<p>none</p>' : '<table><tr><th>kind</th><th>object</th><th>detail</th></tr>'
                + r.leaks.map(function (l) { return '<tr class="dm-leak-row" data-kind="' + esc(l.kind) + '"><td class="dm-errno">' + esc(l.kind) + '</td><td>' + esc(l.object)
                    + '</td><td class="dm-leak">' + detail(l.detail) + (l.holders.length ? ' [held by ' + esc(l.holders.join(', ')) + ']' : '') + '</td></tr>'; }).join('') + '</table>');

        el('dm-uevents').innerHTML = '<table><tr><th>#</th><th>type</th><th>devpath</th></tr>'
            + m.uevents.slice().reverse().map(function (u) {
                return '<tr class="dm-uevent"><td>' + u.seq + '</td><td>' + esc(u.type) + '</td><td>' + esc(u.devpath) + '</td></tr>';
            }).join('') + '</table>';
    }

    function renderDevice(d) {
        el('dm-selected').textContent = d.path;
        if (d.errno) {
            el('dm-device').innerHTML = '<p class="dm-errno">' + esc(d.message) + '</p>';
            return;
        }
        var override = '<form class="dm-override-form">driver_override <input class="dm-override" value="' + esc(d.driverOverride || '')
            + '" size="12"> <button type="submit" class="dm-override-set">Set</button></form>';
        el('dm-device').innerHTML = '<p>bus ' + esc(d.bus) + ', state <span class="dm-state dm-state-' + esc(d.state) + '">' + esc(d.state)
            + '</span>, driver ' + esc(d.driver || '-') + '</p>' + override
            + '<table class="dm-attributes"><tr><th>attribute</th><th>mode</th><th>value</th></tr>'
            + d.attributes.map(function (a) {
                var value = a.errno ? '<span class="dm-errno" title="' + esc(a.error) + '">' + esc(a.errno) + '</span>' : esc(a.value);
                var edit = a.writable ? ' <form class="dm-write-form" data-path="' + esc(a.path) + '"><input class="dm-write-value" size="10">'
                    + ' <button type="submit" class="dm-write">Write</button></form>' : '';
                return '<tr class="dm-attribute" data-name="' + esc(a.name) + '"><td>' + esc(a.name) + '</td><td>' + esc(a.mode || '')
                    + '</td><td><span class="dm-value">' + value + '</span>' + edit + '</td></tr>';
            }).join('') + '</table>';
    }

    function poll(force) {
        fetch(jsonUrl, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) { return r.text(); }).then(function (t) {
            if (force || t !== lastModel) {
                lastModel = t;
                model = JSON.parse(t);
                if (model.token) {
                    token = model.token;
                }
                renderModel(model);
                if (el('dm-status').textContent === 'loading the device model...') {
                    status('device model loaded; following uevents', true);
                }
            }
        }).catch(function () { /* the next poll tries again */ });
        if (selected) {
            fetch(jsonUrl + '?path=' + encodeURIComponent(selected), { credentials: 'same-origin', cache: 'no-store' })
                .then(function (r) { return r.text(); }).then(function (t) {
                    var focused = document.activeElement && el('dm-device').contains(document.activeElement);
                    if ((force || t !== lastDevice) && !focused) {
                        lastDevice = t;
                        renderDevice(JSON.parse(t));
                    }
                }).catch(function () { });
        }
    }

    page.addEventListener('click', function (e) {
        var t = e.target;
        if (t.classList.contains('dm-select')) {
            e.preventDefault();
            selected = t.getAttribute('data-path');
            lastDevice = null;
            poll(true);
        } else if (t.classList.contains('dm-action')) {
            post(JSON.parse(t.getAttribute('data-params')));
        }
    });
    page.addEventListener('submit', function (e) {
        e.preventDefault();
        var f = e.target;
        if (f.getAttribute("id") === "dm-plug") {
            post({ action: 'plug', id: el('dm-plug-id').value });
        } else if (f.classList.contains('dm-write-form')) {
            post({ action: 'write', path: f.getAttribute('data-path'), value: f.querySelector('.dm-write-value').value })
                .then(function () { lastDevice = null; document.activeElement.blur(); poll(true); });
        } else if (f.classList.contains('dm-override-form')) {
            post({ action: 'override', device: selected, driver: f.querySelector('.dm-override').value });
        }
    });
    poll(true);
    setInterval(function () { poll(false); }, POLL_MS);
})();
