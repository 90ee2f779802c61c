// A test double of twilio-video's browser API, put in at the page's boundary: Playwright's
// addInitScript runs this before any page script, and twilio-video's UMD keeps a
// window.Twilio.Video that is already set. It implements the part of the API the call page uses,
// with real MediaStreamTracks: the local ones the page passes to connect(), and canvas-drawn ones
// for remote participants. window.__fakeVideo lets a test drive the room.
(() => {
  let counter = 0;
  const sid = (prefix) => `${prefix}${String(++counter).padStart(32, '0')}`;

  class Emitter {
    constructor() {
      this._listeners = new Map();
    }
    on(event, listener) {
      if (!this._listeners.has(event)) this._listeners.set(event, []);
      this._listeners.get(event).push(listener);
      return this;
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
    constructor(identity) {
      super();
      this.identity = identity;
      this.sid = sid('PA');
      this.state = 'connected';
      this.tracks = new Map();
      this.audioTracks = new Map();
      this.videoTracks = new Map();
      this.dataTracks = new Map();
      this.networkQualityLevel = null;
    }
    _add(publication) {
      this.tracks.set(publication.trackSid, publication);
      (publication.kind === 'audio' ? this.audioTracks : this.videoTracks).set(publication.trackSid, publication);
    }
    _remove(publication) {
      this.tracks.delete(publication.trackSid);
      this.audioTracks.delete(publication.trackSid);
      this.videoTracks.delete(publication.trackSid);
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
      const local = track instanceof LocalTrack ? track : new LocalTrack(track, options.name);
      const publication = new Publication(local);
      this._add(publication);
      controller.log.push(`publish ${local.kind}${options.name ? ` ${options.name}` : ''}`);
      return Promise.resolve(publication);
    }
    unpublishTrack(track) {
      const publication = [...this.tracks.values()].find((p) => p.track === track || p.track.mediaStreamTrack === track);
      if (!publication) return null;
      this._remove(publication);
      controller.log.push(`unpublish ${publication.kind}${publication.trackName === 'screen' ? ' screen' : ''}`);
      return publication;
    }
  }

  class RemoteParticipant extends Participant {
    publish(kind, name, enabled = true) {
      const mediaStreamTrack = kind === 'video' ? canvasVideoTrack(name === 'screen' ? `${this.identity.split(':').pop()} · screen` : decodeURIComponent(this.identity.split(':').pop())) : toneAudioTrack();
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
      publication.track.mediaStreamTrack.stop();
    }
    setEnabled(name, enabled) {
      const publication = this._find(name);
      publication.isTrackEnabled = enabled;
      publication.track.isEnabled = enabled;
      this.emit(enabled ? 'trackEnabled' : 'trackDisabled', publication);
    }
  }

  class Room extends Emitter {
    constructor(name, localParticipant) {
      super();
      this.name = name;
      this.sid = sid('RM');
      this.state = 'connected';
      this.participants = new Map();
      this.localParticipant = localParticipant;
      this.dominantSpeaker = null;
    }
    disconnect() {
      if (this.state === 'disconnected') return this;
      this.state = 'disconnected';
      controller.log.push('disconnect');
      this.emit('disconnected', this);
      return this;
    }
  }

  function identityOf(token) {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return payload.grants.identity;
  }

  const controller = {
    connects: [],
    log: [],
    room: null,
    /** The next connect() rejects with this (e.g. { code: 53000, name: 'SignalingConnectionError' }). */
    failNext: null,
    participant(identity) {
      return [...controller.room.participants.values()].find((p) => p.identity === identity);
    },
    join(identity, { audio = true, video = true, muted = false } = {}) {
      const participant = new RemoteParticipant(identity);
      controller.room.participants.set(participant.sid, participant);
      controller.room.emit('participantConnected', participant);
      if (audio) participant.publish('audio', 'microphone', !muted);
      if (video) participant.publish('video', 'camera');
      return participant.sid;
    },
    leave(identity) {
      const participant = controller.participant(identity);
      participant.state = 'disconnected';
      controller.room.participants.delete(participant.sid);
      for (const publication of [...participant.tracks.values()]) {
        participant._remove(publication);
        participant.emit('trackUnsubscribed', publication.track, publication);
      }
      controller.room.emit('participantDisconnected', participant);
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
    drop(code, message) {
      controller.room.state = 'disconnected';
      controller.room.emit('disconnected', controller.room, { code, message, name: 'TwilioError' });
    },
    localTrack(kind, name) {
      const publication = [...controller.room.localParticipant.tracks.values()].find((p) => p.kind === kind && (name ? p.trackName === name : p.trackName !== 'screen'));
      return publication ? publication.track.mediaStreamTrack : null;
    },
  };

  const Video = {
    version: 'fake',
    isSupported: true,
    connect(token, options = {}) {
      controller.connects.push({
        identity: identityOf(token),
        name: options.name,
        dominantSpeaker: options.dominantSpeaker,
        networkQuality: options.networkQuality,
        tracks: (options.tracks || []).map((t) => ({ kind: t.kind, readyState: t.readyState, enabled: t.enabled })),
      });
      if (controller.failNext) {
        const error = Object.assign(new Error(controller.failNext.message || 'failed'), controller.failNext);
        controller.failNext = null;
        return Promise.reject(error);
      }
      const local = new LocalParticipant(identityOf(token));
      for (const track of options.tracks || []) local.publishTrack(track);
      controller.room = new Room(options.name, local);
      return Promise.resolve(controller.room);
    },
  };

  window.Twilio = { Video };
  window.__fakeVideo = controller;
})();
