// A test double of twilio-video's browser API, put in at the page's boundary: Playwright's
// addInitScript runs this before any page script, and twilio-video's UMD keeps a
// window.Twilio.Video that is already set. It implements the part of the API the call page uses,
// with real MediaStreamTracks: the local ones the page passes to connect(), and canvas-drawn ones
// for remote participants. window.__fakeVideo lets a test drive the room.
//
// Pages of one browser context that connect to the same room name meet there, as they would at
// Twilio: over a BroadcastChannel each sees the others join and leave, with canvas video named
// after them, their mute state and their data-track messages. As at Twilio, a second connection
// with an identity already in the room disconnects the first (53205), and a signaling reconnect
// with an expired access token fails (20104).
(() => {
  let counter = 0;
  const sid = (prefix) => `${prefix}${Math.random().toString(16).slice(2, 10)}${String(++counter).padStart(24, '0')}`;

  class Emitter {
    constructor() {
      this._listeners = new Map();
    }
    on(event, listener) {
      if (!this._listeners.has(event)) this._listeners.set(event, []);
      this._listeners.get(event).push(listener);
      return this;
    }
    once(event, listener) {
      const wrapped = (...args) => {
        this.off(event, wrapped);
        listener(...args);
      };
      return this.on(event, wrapped);
    }
    off(event, listener) {
      const list = this._listeners.get(event) || [];
      this._listeners.set(event, list.filter((l) => l !== listener));
      return this;
    }
    removeAllListeners() {
      this._listeners.clear();
      return this;
    }
    emit(event, ...args) {
      for (const listener of [...(this._listeners.get(event) || [])]) listener(...args);
      return true;
    }
  }

  const colors = ['#3066be', '#b4436c', '#2a9d8f', '#e76f51', '#6a4c93'];
  function canvasVideoTrack(label) {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 360;
    const ctx = canvas.getContext('2d');
    const color = colors[counter % colors.length];
    let frame = 0;
    const draw = () => {
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, 640, 360);
      ctx.fillStyle = '#ffffff';
      ctx.font = 'bold 40px sans-serif';
      ctx.fillText(label, 30, 190);
      ctx.fillRect((frame++ * 8) % 640, 300, 60, 30);
    };
    draw();
    setInterval(draw, 100);
    return canvas.captureStream(10).getVideoTracks()[0];
  }
  function toneAudioTrack() {
    const context = new AudioContext();
    const oscillator = context.createOscillator();
    const destination = context.createMediaStreamDestination();
    oscillator.connect(destination);
    oscillator.start();
    return destination.stream.getAudioTracks()[0];
  }
  const nameOf = (identity) => {
    const parts = identity.split(':');
    try {
      return decodeURIComponent(parts[0] === 'guest' ? parts.slice(2).join(':') : parts[1] || identity);
    } catch {
      return identity;
    }
  };

  class Track extends Emitter {
    constructor(mediaStreamTrack, name) {
      super();
      this.mediaStreamTrack = mediaStreamTrack;
      this.kind = mediaStreamTrack.kind;
      this.name = name || mediaStreamTrack.id;
      this.sid = sid('MT');
      this.isEnabled = mediaStreamTrack.enabled;
      this._elements = [];
    }
    attach() {
      const element = document.createElement(this.kind === 'video' ? 'video' : 'audio');
      element.autoplay = true;
      element.muted = true;
      element.playsInline = true;
      element.srcObject = new MediaStream([this.mediaStreamTrack]);
      element.play?.().catch(() => {});
      this._elements.push(element);
      return element;
    }
    detach() {
      const elements = this._elements;
      this._elements = [];
      for (const element of elements) element.srcObject = null;
      return elements;
    }
  }

  class LocalTrack extends Track {
    enable(enabled = true) {
      this.mediaStreamTrack.enabled = enabled;
      this.isEnabled = enabled;
      this.emit(enabled ? 'enabled' : 'disabled', this);
      controller._room()?._broadcastTracks();
      return this;
    }
    disable() {
      return this.enable(false);
    }
    stop() {
      this.mediaStreamTrack.stop();
      this.isStopped = true;
      this.emit('stopped', this);
      return this;
    }
    /** As LocalVideoTrack.addProcessor: the processor is asked to process one real frame of this track. */
    addProcessor(processor, options) {
      if (this.processor) throw new Error('A processor has already been added');
      this.processor = processor;
      controller.log.push(`addProcessor ${this.kind}`);
      controller.processors.push({ options, frames: null, error: null });
      const record = controller.processors[controller.processors.length - 1];
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = new MediaStream([this.mediaStreamTrack]);
      video.play().catch(() => {});
      const tryFrame = async () => {
        if (video.videoWidth === 0 || video.readyState < 2) return setTimeout(tryFrame, 50);
        const output = document.createElement('canvas');
        output.width = video.videoWidth;
        output.height = video.videoHeight;
        try {
          // A few frames, as twilio-video would feed them: the pipeline may settle over the first ones.
          for (let i = 0; i < 5; i++) {
            await processor.processFrame(video, output);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          const data = output.getContext('2d').getImageData(0, 0, output.width, output.height).data;
          let lit = 0;
          for (let i = 0; i < data.length; i += 4 * 97) if (data[i] + data[i + 1] + data[i + 2] > 30) lit++;
          record.frames = { width: output.width, height: output.height, lit };
        } catch (error) {
          record.error = String(error && error.message ? error.message : error);
        }
        video.srcObject = null;
      };
      tryFrame();
      return this;
    }
    removeProcessor(processor) {
      if (this.processor !== processor) throw new Error('That processor is not added');
      this.processor = null;
      controller.log.push(`removeProcessor ${this.kind}`);
      return this;
    }
  }

  class LocalDataTrack extends Emitter {
    constructor(options = {}) {
      super();
      this.kind = 'data';
      this.name = options.name || 'data';
      this.sid = sid('MT');
      this.id = this.sid;
      this.isEnabled = true;
    }
    send(message) {
      const room = controller._room();
      const from = room ? room.localParticipant.identity : null;
      controller.sent.push({ from, message });
      room?._post({ type: 'data', sid: room.localParticipant.sid, message });
    }
  }

  class RemoteDataTrack extends Emitter {
    constructor(name) {
      super();
      this.kind = 'data';
      this.name = name;
      this.sid = sid('MT');
      this.isEnabled = true;
      this.isSubscribed = true;
    }
  }

  class Publication {
    constructor(track) {
      this.track = track;
      this.kind = track.kind;
      this.trackName = track.name;
      this.trackSid = track.sid;
      this.isTrackEnabled = track.isEnabled;
      this.isSubscribed = true;
    }
  }

  class Participant extends Emitter {
    constructor(identity, participantSid) {
      super();
      this.identity = identity;
      this.sid = participantSid || sid('PA');
      this.state = 'connected';
      this.tracks = new Map();
      this.audioTracks = new Map();
      this.videoTracks = new Map();
      this.dataTracks = new Map();
      this.networkQualityLevel = null;
    }
    _add(publication) {
      this.tracks.set(publication.trackSid, publication);
      ({ audio: this.audioTracks, video: this.videoTracks, data: this.dataTracks })[publication.kind].set(publication.trackSid, publication);
    }
    _remove(publication) {
      this.tracks.delete(publication.trackSid);
      this.audioTracks.delete(publication.trackSid);
      this.videoTracks.delete(publication.trackSid);
      this.dataTracks.delete(publication.trackSid);
    }
    _find(name) {
      return [...this.tracks.values()].find((p) => p.trackName === name);
    }
    setNetworkQuality(level) {
      this.networkQualityLevel = level;
      this.emit('networkQualityLevelChanged', level, null);
    }
  }

  class LocalParticipant extends Participant {
    publishTrack(track, options = {}) {
      let local = track;
      if (!(track instanceof LocalTrack) && !(track instanceof LocalDataTrack)) local = new LocalTrack(track, options.name);
      const publication = new Publication(local);
      this._add(publication);
      controller.log.push(`publish ${local.kind}${options.name ? ` ${options.name}` : ''}`);
      controller._room()?._broadcastTracks();
      return Promise.resolve(publication);
    }
    unpublishTrack(track) {
      const publication = [...this.tracks.values()].find((p) => p.track === track || p.track.mediaStreamTrack === track);
      if (!publication) return null;
      this._remove(publication);
      controller.log.push(`unpublish ${publication.kind}${publication.trackName === 'screen' ? ' screen' : ''}`);
      controller._room()?._broadcastTracks();
      return publication;
    }
  }

  class RemoteParticipant extends Participant {
    publish(kind, name, enabled = true) {
      if (kind === 'data') {
        const track = new RemoteDataTrack(name);
        const publication = new Publication(track);
        this._add(publication);
        this.emit('trackPublished', publication);
        this.emit('trackSubscribed', track, publication);
        return publication;
      }
      const mediaStreamTrack = kind === 'video' ? canvasVideoTrack(name === 'screen' ? `${nameOf(this.identity)} · screen` : nameOf(this.identity)) : toneAudioTrack();
      const track = new Track(mediaStreamTrack, name);
      track.isEnabled = enabled;
      const publication = new Publication(track);
      publication.isTrackEnabled = enabled;
      this._add(publication);
      this.emit('trackPublished', publication);
      this.emit('trackSubscribed', track, publication);
      return publication;
    }
    unpublish(name) {
      const publication = this._find(name);
      this._remove(publication);
      this.emit('trackUnsubscribed', publication.track, publication);
      this.emit('trackUnpublished', publication);
      publication.track.mediaStreamTrack?.stop();
    }
    setEnabled(name, enabled) {
      const publication = this._find(name);
      if (!publication || publication.isTrackEnabled === enabled) return;
      publication.isTrackEnabled = enabled;
      publication.track.isEnabled = enabled;
      this.emit(enabled ? 'trackEnabled' : 'trackDisabled', publication);
    }
    /** What a remote sends on its data track. */
    say(message) {
      const publication = [...this.dataTracks.values()][0];
      if (publication) publication.track.emit('message', message, publication.track);
    }
  }

  class Room extends Emitter {
    constructor(name, localParticipant, token) {
      super();
      this.name = name;
      this.sid = sid('RM');
      this.state = 'connected';
      this.participants = new Map();
      this.localParticipant = localParticipant;
      this.dominantSpeaker = null;
      this._token = token;
      this._channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`fake-twilio-room:${name}`) : null;
      if (this._channel) this._channel.onmessage = (event) => this._receive(event.data);
    }
    disconnect() {
      if (this.state === 'disconnected') return this;
      this._end();
      controller.log.push('disconnect');
      this.emit('disconnected', this);
      return this;
    }
    _end(error) {
      this.state = 'disconnected';
      this._post({ type: 'leave', sid: this.localParticipant.sid, identity: this.localParticipant.identity, kicked: Boolean(error) });
      this._channel?.close();
      this._channel = null;
    }
    _post(message) {
      this._channel?.postMessage(message);
    }
    _describe() {
      const local = this.localParticipant;
      const tracks = [...local.tracks.values()].map((p) => ({ kind: p.kind, name: p.trackName, enabled: p.track.isEnabled !== false }));
      return { sid: local.sid, identity: local.identity, tracks };
    }
    _announce() {
      this._post({ type: 'join', ...this._describe() });
    }
    _broadcastTracks() {
      if (this.state !== 'disconnected') this._post({ type: 'tracks', ...this._describe() });
    }
    /** What another page in this room said. */
    _receive(message) {
      if (this.state === 'disconnected') return;
      const existing = this.participants.get(message.sid);
      switch (message.type) {
        case 'join':
          if (message.identity === this.localParticipant.identity) {
            // Twilio lets one connection per identity: the newer one stays.
            this._end({ code: 53205 });
            this.emit('disconnected', this, Object.assign(new Error('Participant disconnected because of duplicate identity'), { code: 53205, name: 'TwilioError' }));
            return;
          }
          this._post({ type: 'present', to: message.sid, ...this._describe() });
          this._meet(message);
          return;
        case 'present':
          if (message.to === this.localParticipant.sid) this._meet(message);
          return;
        case 'tracks':
          if (existing) this._sync(existing, message.tracks);
          return;
        case 'data':
          if (existing) existing.say(message.message);
          return;
        case 'leave':
          if (existing) controller._remove(this, existing);
          return;
      }
    }
    _meet(description) {
      if (this.participants.has(description.sid)) return;
      const participant = new RemoteParticipant(description.identity, description.sid);
      this.participants.set(participant.sid, participant);
      this.emit('participantConnected', participant);
      this._sync(participant, description.tracks);
    }
    _sync(participant, tracks) {
      for (const t of tracks) {
        const name = t.kind === 'data' ? 'data' : t.kind === 'audio' ? 'microphone' : t.name === 'screen' ? 'screen' : 'camera';
        if (!participant._find(name)) participant.publish(t.kind, name, t.enabled);
        else participant.setEnabled(name, t.enabled);
      }
      for (const publication of [...participant.tracks.values()]) {
        const still = tracks.some((t) => (t.kind === 'data' ? 'data' : t.kind === 'audio' ? 'microphone' : t.name === 'screen' ? 'screen' : 'camera') === publication.trackName);
        if (!still) participant.unpublish(publication.trackName);
      }
    }
  }

  function claimsOf(token) {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  }

  const controller = {
    connects: [],
    log: [],
    /** Messages this page sent on its data track: { from, message }. */
    sent: [],
    /** Processors added to local tracks, and what processing one real frame gave. */
    processors: [],
    room: null,
    /** The next connect() rejects with this (e.g. { code: 53000, name: 'SignalingConnectionError' }). */
    failNext: null,
    _room() {
      return controller.room && controller.room.state !== 'disconnected' ? controller.room : null;
    },
    _remove(room, participant) {
      participant.state = 'disconnected';
      room.participants.delete(participant.sid);
      for (const publication of [...participant.tracks.values()]) {
        participant._remove(publication);
        participant.emit('trackUnsubscribed', publication.track, publication);
      }
      room.emit('participantDisconnected', participant);
    },
    participant(identity) {
      return [...controller.room.participants.values()].find((p) => p.identity === identity);
    },
    join(identity, { audio = true, video = true, muted = false, data = true } = {}) {
      const participant = new RemoteParticipant(identity);
      controller.room.participants.set(participant.sid, participant);
      controller.room.emit('participantConnected', participant);
      if (audio) participant.publish('audio', 'microphone', !muted);
      if (video) participant.publish('video', 'camera');
      if (data) participant.publish('data', 'data');
      return participant.sid;
    },
    leave(identity) {
      controller._remove(controller.room, controller.participant(identity));
    },
    /** A remote participant sends a data-track message (a string, as the page sends JSON). */
    say(identity, message) {
      controller.participant(identity).say(typeof message === 'string' ? message : JSON.stringify(message));
    },
    speak(identity) {
      const participant = identity ? controller.participant(identity) : null;
      controller.room.dominantSpeaker = participant;
      controller.room.emit('dominantSpeakerChanged', participant);
    },
    share(identity) {
      controller.participant(identity).publish('video', 'screen');
    },
    unshare(identity) {
      controller.participant(identity).unpublish('screen');
    },
    mute(identity, muted) {
      controller.participant(identity).setEnabled('microphone', !muted);
    },
    camera(identity, on) {
      controller.participant(identity).setEnabled('camera', on);
    },
    network(identity, level) {
      (identity ? controller.participant(identity) : controller.room.localParticipant).setNetworkQuality(level);
    },
    participantReconnecting(identity, reconnecting = true) {
      const participant = controller.participant(identity);
      participant.state = reconnecting ? 'reconnecting' : 'connected';
      participant.emit(reconnecting ? 'reconnecting' : 'reconnected');
    },
    reconnecting() {
      controller.room.state = 'reconnecting';
      controller.room.emit('reconnecting', { code: 53001, message: 'Signaling connection disconnected' });
    },
    reconnected() {
      controller.room.state = 'connected';
      controller.room.emit('reconnected');
    },
    /**
     * The network drops at `atMs` (epoch ms, the server's clock) and comes back: twilio-video
     * reconnects with the token it connected with, which fails when that token has expired by then.
     */
    networkDrop(atMs) {
      const room = controller.room;
      room.state = 'reconnecting';
      room.emit('reconnecting', Object.assign(new Error('Signaling connection disconnected'), { code: 53001 }));
      setTimeout(() => {
        if (room.state !== 'reconnecting') return;
        if (claimsOf(room._token).exp * 1000 <= atMs) {
          room._end({ code: 20104 });
          room.emit('disconnected', room, Object.assign(new Error('Access Token expired or expiration date invalid'), { code: 20104, name: 'TwilioError' }));
        } else {
          room.state = 'connected';
          room.emit('reconnected');
        }
      }, 50);
    },
    drop(code, message) {
      const room = controller.room;
      room._end({ code });
      room.emit('disconnected', room, Object.assign(new Error(message), { code, name: 'TwilioError' }));
    },
    localTrack(kind, name) {
      const publication = [...controller.room.localParticipant.tracks.values()].find((p) => p.kind === kind && (name ? p.trackName === name : p.trackName !== 'screen'));
      return publication ? publication.track.mediaStreamTrack : null;
    },
  };

  const Video = {
    version: 'fake',
    isSupported: true,
    LocalDataTrack,
    connect(token, options = {}) {
      const claims = claimsOf(token);
      controller.connects.push({
        identity: claims.grants.identity,
        name: options.name,
        expiresAt: claims.exp * 1000,
        dominantSpeaker: options.dominantSpeaker,
        networkQuality: options.networkQuality,
        tracks: (options.tracks || []).map((t) => {
          const media = t.mediaStreamTrack || (t.kind === 'data' ? null : t);
          return media ? { kind: media.kind, readyState: media.readyState, enabled: media.enabled, id: media.id } : { kind: 'data' };
        }),
      });
      if (controller.failNext) {
        const error = Object.assign(new Error(controller.failNext.message || 'failed'), controller.failNext);
        controller.failNext = null;
        return Promise.reject(error);
      }
      const local = new LocalParticipant(claims.grants.identity);
      const room = new Room(options.name, local, token);
      controller.room = room;
      for (const track of options.tracks || []) local.publishTrack(track);
      room._announce();
      return Promise.resolve(room);
    },
  };

  window.Twilio = { Video };
  window.__fakeVideo = controller;
})();
