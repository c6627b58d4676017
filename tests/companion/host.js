// A minimal Bitfocus Companion for tests: runs one connection of a Companion module
// (here the vendored QLab module in ./module, unchanged) the way Companion 3 does, and
// lets a test drive it over stdin/stdout with one JSON object per line.
//
// How Companion runs a module (@companion-module/base 1.x, "nodejs-ipc" API):
//   * it forks the entry point named by companion/manifest.json (runtime.entrypoint) as a
//     Node child process with an IPC channel, and MODULE_MANIFEST, CONNECTION_ID and
//     VERIFICATION_TOKEN in its environment;
//   * both sides send {direction: 'call', name, payload, callbackId} and answer calls
//     that carry a callbackId with {direction: 'response', callbackId, success, payload};
//     payloads are EJSON strings;
//   * the module calls 'register' first; Companion accepts it, then calls 'init' with the
//     connection's label, config and stored actions/feedbacks;
//   * the module reports with 'set-status', 'log-message', 'setVariableDefinitions',
//     'setVariableValues', 'updateFeedbackValues', 'setActionDefinitions', ... and asks
//     'parseVariablesInString'; a button press is Companion's 'executeAction' call;
//     'send-osc' asks Companion to send one OSC message over UDP (the module's UDP mode).
//
// Test instrumentation, not part of Companion:
//   * tap: with "tap": true the module's config host/port are pointed at a TCP relay in
//     this process that forwards bytes unchanged to the real target and decodes the
//     SLIP/OSC both ways, so a test sees every address the module sent and every reply's
//     status ("wire" events). A relay whose target closes closes the module's side too,
//     so the module sees exactly what a closed QLab looks like.
//   * udpTarget: the module sends its UDP commands to port 53000 always (QLab's port);
//     'send-osc' to port 53000 is sent to udpTarget instead, and replies that come back to
//     the sending socket (showctl's --udp-reply-port sender) are decoded as "wire" events.
//
// stdin commands:  {"cmd": "start", "config": {...}, "tap": true, "udpTarget": 53123,
//                   "feedbacks": {"fb1": {"feedbackId": "any_run", "options": {}}}}
//                  {"cmd": "action", "seq": 1, "actionId": "go", "options": {}}
//                  {"cmd": "config", "config": {...}}
//                  {"cmd": "stop"}
// stdout events:   {"ev": "status", "status": "ok", "message": "..."}
//                  {"ev": "vars", "values": {"n_num": "1", ...}}
//                  {"ev": "feedback", "id": "fb1", "value": true}
//                  {"ev": "log", "level": "info", "message": "..."}
//                  {"ev": "wire", "dir": "out"|"in", "address": "...", "status": "ok"}
//                  {"ev": "ready"}  (init answered)   {"ev": "action", "seq": 1, "ok": true}
//                  {"ev": "exit", "code": 0}

import { fork } from 'node:child_process'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const EJSON = require('ejson')
const osc = require('osc')

const here = path.dirname(fileURLToPath(import.meta.url))
const moduleDir = process.env.COMPANION_MODULE_DIR || path.join(here, 'module')
const manifestPath = path.join(moduleDir, 'companion', 'manifest.json')

function emit(obj) {
	process.stdout.write(JSON.stringify(obj) + '\n')
}

// ---------------------------------------------------------------- OSC / SLIP decoding

function decodeOsc(buf) {
	try {
		const packet = osc.readPacket(new Uint8Array(buf), { metadata: true })
		return packet.packets ? packet.packets : [packet]
	} catch (e) {
		return []
	}
}

function wireEvents(dir, buf) {
	for (const msg of decodeOsc(buf)) {
		const ev = { ev: 'wire', dir, address: msg.address }
		if (msg.address.startsWith('/reply/') && msg.args && msg.args[0]) {
			try {
				const body = JSON.parse(msg.args[0].value)
				ev.status = body.status
				if (body.status !== 'ok') ev.data = body.data
			} catch (e) {
				ev.status = 'unparsable'
			}
		}
		emit(ev)
	}
}

class SlipSplitter {
	constructor(onFrame) {
		this.onFrame = onFrame
		this.buf = []
	}
	push(chunk) {
		for (const b of chunk) {
			if (b === 0xc0) {
				if (this.buf.length) this.onFrame(Buffer.from(unslip(this.buf)))
				this.buf = []
			} else {
				this.buf.push(b)
			}
		}
	}
}

function unslip(bytes) {
	const out = []
	for (let i = 0; i < bytes.length; i++) {
		if (bytes[i] === 0xdb && i + 1 < bytes.length) {
			out.push(bytes[i + 1] === 0xdc ? 0xc0 : bytes[i + 1] === 0xdd ? 0xdb : bytes[i + 1])
			i++
		} else {
			out.push(bytes[i])
		}
	}
	return out
}

// ---------------------------------------------------------------- the TCP tap

function startTap(targetHost, targetPort) {
	return new Promise((resolve) => {
		const server = net.createServer((client) => {
			const upstream = net.connect({ host: targetHost, port: targetPort })
			const fromClient = new SlipSplitter((f) => wireEvents('out', f))
			const fromServer = new SlipSplitter((f) => wireEvents('in', f))
			client.on('data', (d) => {
				fromClient.push(d)
				upstream.write(d)
			})
			upstream.on('data', (d) => {
				fromServer.push(d)
				client.write(d)
			})
			upstream.on('connect', () => emit({ ev: 'tap', state: 'connected' }))
			const closeBoth = (why) => {
				emit({ ev: 'tap', state: 'closed', why })
				client.destroy()
				upstream.destroy()
			}
			upstream.on('error', (e) => closeBoth(e.code || e.message))
			upstream.on('close', () => closeBoth('target closed'))
			client.on('error', () => closeBoth('module error'))
			client.on('close', () => closeBoth('module closed'))
		})
		server.listen(0, '127.0.0.1', () => resolve(server))
	})
}

// ---------------------------------------------------------------- the module's child process

let child = null
let nextCallbackId = 1
const pending = new Map()
let udpPort = null
let udpTarget = null

function send(name, msg, wantReply) {
	const m = { direction: 'call', name, payload: EJSON.stringify(msg), callbackId: undefined }
	if (wantReply) {
		m.callbackId = nextCallbackId++
		const p = new Promise((resolve, reject) => pending.set(m.callbackId, { resolve, reject }))
		child.send(m)
		return p
	}
	child.send(m)
	return Promise.resolve()
}

function respond(msg, success, value) {
	if (msg.callbackId) {
		child.send({
			direction: 'response',
			callbackId: msg.callbackId,
			success,
			payload: EJSON.stringify(value),
		})
	}
}

let startMsg = null

const handlers = {
	register: async () => {
		// Companion checks the api version and token, then answers and calls init.
		setImmediate(() => init().catch((e) => emit({ ev: 'error', message: String(e) })))
		return {}
	},
	'set-status': async (m) => emit({ ev: 'status', status: m.status, message: m.message }),
	'log-message': async (m) => emit({ ev: 'log', level: m.level, message: m.message }),
	setVariableDefinitions: async (m) => {
		emit({ ev: 'vardefs', ids: m.variables.map((v) => v.id) })
		if (m.newValues) emit({ ev: 'vars', values: Object.fromEntries(m.newValues.map((v) => [v.id, v.value ?? null])) })
	},
	setVariableValues: async (m) =>
		emit({ ev: 'vars', values: Object.fromEntries(m.newValues.map((v) => [v.id, v.value ?? null])) }),
	updateFeedbackValues: async (m) => {
		for (const v of m.values) emit({ ev: 'feedback', id: v.id, value: v.value ?? null })
	},
	setActionDefinitions: async (m) => emit({ ev: 'actions', ids: m.actions.map((a) => a.id) }),
	setFeedbackDefinitions: async (m) => emit({ ev: 'feedbacks', ids: m.feedbacks.map((f) => f.id) }),
	setPresetDefinitions: async () => {},
	saveConfig: async () => {},
	upgradedItems: async () => {},
	recordAction: async () => {},
	setCustomVariable: async () => {},
	parseVariablesInString: async (m) => ({ text: m.text, variableIds: [] }),
	'send-osc': async (m) => {
		let port = m.port
		if (udpTarget && port === 53000) port = udpTarget
		emit({ ev: 'wire', dir: 'out', address: m.path, via: 'udp' })
		udpPort.send({ address: m.path, args: m.args }, m.host, port)
	},
	sharedUdpSocketJoin: async () => {
		throw new Error('shared UDP sockets are not supported by the test host')
	},
	sharedUdpSocketLeave: async () => {},
	sharedUdpSocketSend: async () => {},
}

function onChildMessage(msg) {
	if (msg.direction === 'response') {
		const cb = pending.get(msg.callbackId)
		pending.delete(msg.callbackId)
		if (!cb) return
		const data = msg.payload ? EJSON.parse(msg.payload) : undefined
		if (msg.success) cb.resolve(data)
		else cb.reject(new Error(data && data.message ? data.message : JSON.stringify(data)))
		return
	}
	const handler = handlers[msg.name]
	if (!handler) {
		emit({ ev: 'log', level: 'host', message: `unhandled call ${msg.name}` })
		respond(msg, false, { message: `Unknown command "${msg.name}"` })
		return
	}
	const data = msg.payload ? EJSON.parse(msg.payload) : undefined
	handler(data).then(
		(res) => respond(msg, true, res),
		(err) => respond(msg, false, { message: String(err && err.message ? err.message : err) })
	)
}

function feedbackInstances(spec) {
	const out = {}
	for (const [id, f] of Object.entries(spec || {})) {
		out[id] = {
			id,
			controlId: `bank:${id}`,
			feedbackId: f.feedbackId,
			options: f.options || {},
			isInverted: false,
			upgradeIndex: null,
			disabled: false,
		}
	}
	return out
}

async function init() {
	const res = await send(
		'init',
		{
			label: 'qlab',
			isFirstInit: false,
			config: startMsg.config,
			lastUpgradeIndex: 1000, // a stored connection: no upgrade scripts to run
			feedbacks: feedbackInstances(startMsg.feedbacks),
			actions: {},
		},
		true
	)
	emit({ ev: 'ready', newUpgradeIndex: res.newUpgradeIndex })
}

async function start(msg) {
	startMsg = msg
	const config = { ...msg.config }
	if (msg.tap) {
		const tap = await startTap(config.host, Number(config.port))
		config.host = '127.0.0.1'
		config.port = String(tap.address().port)
		emit({ ev: 'tap', state: 'listening', port: tap.address().port })
	}
	startMsg.config = config
	udpTarget = msg.udpTarget || null
	udpPort = new osc.UDPPort({ localAddress: '127.0.0.1', localPort: 0, metadata: true })
	udpPort.on('message', (m) => wireEvents('in', Buffer.from(osc.writePacket(m, { metadata: true }))))
	udpPort.on('error', (e) => emit({ ev: 'log', level: 'host', message: `udp: ${e.message}` }))
	await new Promise((resolve) => {
		udpPort.once('ready', resolve)
		udpPort.open()
	})

	const manifest = JSON.parse(await import('node:fs').then((fs) => fs.promises.readFile(manifestPath, 'utf8')))
	const entry = path.resolve(path.dirname(manifestPath), manifest.runtime.entrypoint)
	child = fork(entry, [], {
		cwd: moduleDir,
		env: {
			...process.env,
			MODULE_MANIFEST: manifestPath,
			CONNECTION_ID: 'qlab-test',
			VERIFICATION_TOKEN: 'test-token',
		},
		stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
	})
	child.stdout.on('data', (d) => emit({ ev: 'stdout', text: d.toString() }))
	child.stderr.on('data', (d) => emit({ ev: 'stderr', text: d.toString() }))
	child.on('message', onChildMessage)
	child.on('exit', (code, signal) => {
		emit({ ev: 'exit', code, signal })
		process.exit(0)
	})
}

async function action(msg) {
	try {
		await send(
			'executeAction',
			{
				action: {
					id: `action-${msg.seq}`,
					controlId: 'bank:test',
					actionId: msg.actionId,
					options: msg.options || {},
					upgradeIndex: null,
					disabled: false,
				},
				surfaceId: 'test',
			},
			true
		)
		emit({ ev: 'action', seq: msg.seq, ok: true })
	} catch (e) {
		emit({ ev: 'action', seq: msg.seq, ok: false, error: String(e.message || e) })
	}
}

const rl = readline.createInterface({ input: process.stdin })
rl.on('line', (line) => {
	if (!line.trim()) return
	const msg = JSON.parse(line)
	if (msg.cmd === 'start') start(msg).catch((e) => emit({ ev: 'error', message: String(e.stack || e) }))
	else if (msg.cmd === 'action') action(msg)
	else if (msg.cmd === 'config') send('updateConfigAndLabel', { label: 'qlab', config: msg.config }, true)
	else if (msg.cmd === 'stop') stop()
})
rl.on('close', () => stop())

let stopping = false
function stop() {
	if (stopping) return
	stopping = true
	if (!child) process.exit(0)
	send('destroy', {}, true)
		.catch(() => {})
		.finally(() => {
			// Companion ends the process once destroy has answered.
			child.kill()
		})
	setTimeout(() => process.exit(0), 1500).unref()
}
