import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, parseSipFrame } from '../../../src/core/sip/parse';
import type { SipMessage, SipRequest, SipResponse } from '../../../src/core/sip/message';
import { callIdOf, cseqOf, displayNameOf, headerValue, headerValues, tagOf, topViaBranchOf, uriOf, userPartOf } from '../../../src/core/sip/headers';
import { inboundCall, utf8Length } from '../../fixtures/sip/builders';

const CRLF = '\r\n';

/** Lines joined with CRLF, then the empty line, then the body. */
function frame(lines: readonly string[], body = ''): string {
  return `${lines.join(CRLF)}${CRLF}${CRLF}${body}`;
}

function only(data: string): SipMessage {
  const result = parseSipFrame(data);
  expect(result.invalid).toBe(0);
  expect(result.messages).toHaveLength(1);
  return result.messages[0] as SipMessage;
}

function request(data: string): SipRequest {
  const msg = only(data);
  if (msg.kind !== 'request') throw new Error('expected a request');
  return msg;
}

function response(data: string): SipResponse {
  const msg = only(data);
  if (msg.kind !== 'response') throw new Error('expected a response');
  return msg;
}

const SDP_150 = [
  'v=0',
  'o=mhandley 29739 7272939 IN IP4 192.0.2.3',
  's=-',
  'c=IN IP4 192.0.2.4',
  't=0 0',
  'm=audio 49217 RTP/AVP 0 12',
  'm=video 3227 RTP/AVP 31',
  'a=rtpmap:31 LPC',
  '',
].join(CRLF);

const OPTIONS = frame([
  'OPTIONS sip:user@example.com SIP/2.0',
  'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK1',
  'To: <sip:user@example.com>',
  'From: <sip:caller@example.com>;tag=1',
  'Call-ID: options-1',
  'CSeq: 1 OPTIONS',
  'Content-Length: 0',
]);

describe('parseSipFrame on everyday messages', () => {
  it('reads an INVITE with its SDP body and headers in long, lower-case form', () => {
    const call = inboundCall({ style: 'jssip' });
    const invite = request(call.invite().text);
    expect(invite.method).toBe('INVITE');
    expect(invite.uri).toMatch(/^sip:c.+\.invalid;transport=ws$/);
    expect(callIdOf(invite)).toBe(call.callId);
    expect(cseqOf(invite)).toEqual({ seq: 102, method: 'INVITE' });
    expect(headerValues(invite, 'via')).toHaveLength(2);
    expect(headerValues(invite, 'record-route')).toHaveLength(2);
    expect(invite.body.startsWith('v=0\r\n')).toBe(true);
    expect(utf8Length(invite.body)).toBe(Number(headerValue(invite, 'Content-Length')));
  });

  it('reads a status line with a reason of several words', () => {
    const res = response(frame(['SIP/2.0 487 Request Terminated', 'Call-ID: a', 'CSeq: 1 INVITE', 'Content-Length: 0']));
    expect(res).toMatchObject({ kind: 'response', status: 487, reason: 'Request Terminated', body: '' });
  });

  it('accepts an empty reason phrase, with or without the space before it', () => {
    expect(response(frame(['SIP/2.0 100 ', 'Content-Length: 0'])).reason).toBe('');
    expect(response(frame(['SIP/2.0 183', 'Content-Length: 0'])).status).toBe(183);
  });

  it('reads several messages in one frame, framed by Content-Length', () => {
    const call = inboundCall();
    const invite = call.invite();
    const data = invite.text + call.reply(invite, 100).text + call.reply(invite, 180).text;
    const result = parseSipFrame(data);
    expect(result.invalid).toBe(0);
    expect(result.messages.map((m) => (m.kind === 'request' ? m.method : m.status))).toEqual(['INVITE', 100, 180]);
  });

  it('frames by the compact l: form as well', () => {
    const one = frame(['MESSAGE sip:a@b SIP/2.0', 'i: m1', 'CSeq: 1 MESSAGE', 'l: 5'], 'hello');
    const result = parseSipFrame(one + one.replace('i: m1', 'i: m2'));
    expect(result.messages.map((m) => [callIdOf(m), m.body])).toEqual([
      ['m1', 'hello'],
      ['m2', 'hello'],
    ]);
  });

  it('counts Content-Length in UTF-8 octets, not UTF-16 code units', () => {
    const body = 'Labdien, Jānis! 👋';
    const data = frame(['MESSAGE sip:a@b SIP/2.0', 'Call-ID: u', 'CSeq: 1 MESSAGE', `Content-Length: ${utf8Length(body)}`], body);
    const result = parseSipFrame(data + OPTIONS);
    expect(result.invalid).toBe(0);
    expect(result.messages.map((m) => m.body)).toEqual([body, '']);
  });

  it('takes the rest of the frame as the body when Content-Length is missing', () => {
    const msg = only(frame(['NOTIFY sip:a@b SIP/2.0', 'Call-ID: n', 'CSeq: 2 NOTIFY'], 'SIP/2.0 200 OK\r\n'));
    expect(msg.body).toBe('SIP/2.0 200 OK\r\n');
  });

  it('gives an empty body when a message without Content-Length is followed only by line breaks', () => {
    expect(only(frame(['BYE sip:a@b SIP/2.0', 'Call-ID: b', 'CSeq: 3 BYE'], '\r\n\r\n')).body).toBe('');
  });
});

describe('parseSipFrame on keep-alives and padding', () => {
  it.each([
    ['a double CRLF ping', '\r\n\r\n'],
    ['a single CRLF pong', '\r\n'],
    ['a bare LF', '\n'],
    ['spaces and tabs', '  \t '],
    ['an empty frame', ''],
  ])('finds no message and nothing invalid in %s', (_name, data) => {
    expect(parseSipFrame(data)).toEqual({ messages: [], invalid: 0 });
  });

  it('skips CRLFs before a start line (RFC 3261 §7.5) and after the last message', () => {
    const result = parseSipFrame(`\r\n\r\n\r\n${OPTIONS}\r\n\r\n${OPTIONS}\r\n\r\n`);
    expect(result).toMatchObject({ invalid: 0 });
    expect(result.messages).toHaveLength(2);
  });
});

describe('parseSipFrame on header syntax', () => {
  it.each([
    ['i', 'call-id'],
    ['m', 'contact'],
    ['e', 'content-encoding'],
    ['l', 'content-length'],
    ['c', 'content-type'],
    ['f', 'from'],
    ['s', 'subject'],
    ['k', 'supported'],
    ['t', 'to'],
    ['v', 'via'],
    ['o', 'event'],
    ['r', 'refer-to'],
    ['b', 'referred-by'],
    ['u', 'allow-events'],
    ['x', 'session-expires'],
    ['a', 'accept-contact'],
    ['j', 'reject-contact'],
    ['d', 'request-disposition'],
    ['y', 'identity'],
    ['n', 'identity-info'],
  ])('stores the compact form %s as %s', (compact, long) => {
    const value = compact === 'l' ? '0' : 'value-of-it';
    const msg = only(frame(['OPTIONS sip:a@b SIP/2.0', `${compact.toUpperCase()}: ${value}`, ...(compact === 'l' ? [] : ['l: 0'])]));
    expect(msg.headers.get(long)).toEqual([value]);
    expect(msg.headers.has(compact)).toBe(false);
  });

  it('joins folded lines with a single space', () => {
    const msg = only(
      frame(['OPTIONS sip:a@b SIP/2.0', 'Subject: first part', ' \t second part  ', '\tthird', 'Call-ID: f', 'l: 0']),
    );
    expect(headerValue(msg, 'subject')).toBe('first part second part third');
    expect(callIdOf(msg)).toBe('f');
  });

  it('ignores whitespace around the colon and the case of header names', () => {
    const msg = only(frame(['OPTIONS sip:a@b SIP/2.0', 'cAlL-iD   :   ws-1  ', 'CONTENT-LENGTH:0']));
    expect(callIdOf(msg)).toBe('ws-1');
    expect(headerValue(msg, 'Call-Id')).toBe('ws-1');
  });

  it('keeps every value of a repeated header in order, and a comma list as one value', () => {
    const msg = only(frame(['OPTIONS sip:a@b SIP/2.0', 'Via: one, two', 'v: three', 'l: 0']));
    expect(headerValues(msg, 'Via')).toEqual(['one, two', 'three']);
  });

  it('tolerates LF-only line ends', () => {
    const call = inboundCall();
    const text = call.invite().text;
    const split = text.indexOf('\r\n\r\n');
    const msg = only(`${text.slice(0, split).replaceAll('\r\n', '\n')}\n\n${text.slice(split + 4)}`);
    expect(msg.kind === 'request' && msg.method).toBe('INVITE');
    expect(msg.body.startsWith('v=0\r\n')).toBe(true);
    expect(callIdOf(msg)).toBe(call.callId);
  });

  it('keeps a header with an empty value', () => {
    expect(headerValue(only(frame(['OPTIONS sip:a@b SIP/2.0', 'Subject:', 'l: 0'])), 'subject')).toBe('');
  });
});

describe('parseSipFrame on junk', () => {
  it.each([
    ['an HTTP response', frame(['HTTP/1.1 200 OK', 'Content-Length: 0'])],
    ['a status code below 100', frame(['SIP/2.0 099 Too Low', 'l: 0'])],
    ['a status code above 699', frame(['SIP/2.0 700 Too High', 'l: 0'])],
    ['an unknown SIP version', frame(['OPTIONS sip:t.watson@example.org SIP/7.0', 'l: 0'])],
    ['a start line with an extra element', frame(['INVITE sip:a@b SIP/2.0 extra', 'l: 0'])],
    ['a Request-URI without a scheme', frame(['INVITE user@example.com SIP/2.0', 'l: 0'])],
    ['a header line without a colon', frame(['OPTIONS sip:a@b SIP/2.0', 'Call-ID x', 'l: 0'])],
    ['a header name that is not a token', frame(['OPTIONS sip:a@b SIP/2.0', 'Call ID: x', 'l: 0'])],
    ['a continuation with nothing to continue', frame(['OPTIONS sip:a@b SIP/2.0', ' folded: nothing', 'l: 0'])],
    ['JSON', '{"type":"ping"}'],
    ['a header block that never ends', 'INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n'],
  ])('counts %s as one invalid message', (_name, data) => {
    expect(parseSipFrame(data)).toEqual({ messages: [], invalid: 1 });
  });

  it('goes on with the next message when a bad one is still framed by its Content-Length', () => {
    const bad = frame(['SIP/3.0 200 OK', 'Content-Length: 0']);
    const result = parseSipFrame(bad + OPTIONS);
    expect(result.invalid).toBe(1);
    expect(result.messages).toHaveLength(1);
  });

  it('stops at junk it cannot frame and counts the rest once', () => {
    const result = parseSipFrame(`${OPTIONS}garbage without any line end`);
    expect(result.invalid).toBe(1);
    expect(result.messages).toHaveLength(1);
  });

  it('does not read a frame over 64 kB at all', () => {
    const body = 'x'.repeat(MAX_FRAME_BYTES);
    const data = frame(['MESSAGE sip:a@b SIP/2.0', 'Call-ID: big', `Content-Length: ${body.length}`], body);
    expect(parseSipFrame(data)).toEqual({ messages: [], invalid: 1 });
  });

  it('measures the 64 kB cap in UTF-8 octets', () => {
    const under = 'ā'.repeat(20_000); // 40,000 octets
    const over = 'ā'.repeat(40_000); // 80,000 octets in 40,000 code units
    const msg = (body: string) => frame(['MESSAGE sip:a@b SIP/2.0', 'Call-ID: big', `l: ${utf8Length(body)}`], body);
    expect(parseSipFrame(msg(under)).messages).toHaveLength(1);
    expect(parseSipFrame(msg(over))).toEqual({ messages: [], invalid: 1 });
  });

  it('counts a Content-Length that ends inside a character as invalid', () => {
    const data = frame(['MESSAGE sip:a@b SIP/2.0', 'Call-ID: m', 'l: 1'], 'ā');
    expect(parseSipFrame(data)).toEqual({ messages: [], invalid: 1 });
  });

  it('never throws on input that is not a string', () => {
    expect(parseSipFrame(undefined as unknown as string)).toEqual({ messages: [], invalid: 1 });
    expect(parseSipFrame(new Uint8Array(4) as unknown as string)).toEqual({ messages: [], invalid: 1 });
  });
});

// Adapted from RFC 4475 (SIP torture tests). Line ends are CRLF; where the RFC's message
// depends on UDP framing, the expectation says what a WebSocket sniffer does instead.
describe('parseSipFrame on RFC 4475 torture messages', () => {
  it('reads wsinv, the short tortuous INVITE (§3.1.1.1)', () => {
    const data = frame(
      [
        'INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0',
        'TO :',
        ' sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
        String.raw`from   : "J Rosenberg \\\""       <sip:jdrosen@example.com>`,
        '  ;',
        '  tag = 98asjd8',
        'MaX-fOrWaRdS: 0068',
        'Call-ID: wsinv.ndaksdj@192.0.2.1',
        'Content-Length   : 150',
        'cseq: 0009',
        '  INVITE',
        'Via  : SIP  /   2.0',
        ' /UDP',
        '    192.0.2.2;branch=390skdjuw',
        's :',
        'NewFangledHeader:   newfangled value',
        ' continued newfangled value',
        'UnknownHeaderWithUnusualValue: ;;,,;;,;',
        'Content-Type: application/sdp',
        'Route:',
        ' <sip:services.example.com;lr;unknownwith=value;unknown-no-value>',
        'v:  SIP  / 2.0  / TCP     spindle.example.com   ;',
        '  branch  =   z9hG4bK9ikj8  ,',
        ' SIP  /    2.0   / UDP  192.168.255.111   ; branch=',
        ' z9hG4bK30239',
        String.raw`m:"Quoted string \"\"" <sip:jdrosen@example.com> ; newparam =`,
        '      newvalue ;',
        '  secondparam ; q = 0.33',
      ],
      SDP_150,
    );
    const msg = request(data);
    expect(msg.uri).toBe('sip:vivekg@chair-dnrc.example.com;unknownparam');
    expect(tagOf(headerValue(msg, 'to'))).toBe('1918181833n');
    expect(tagOf(headerValue(msg, 'from'))).toBe('98asjd8');
    expect(displayNameOf(headerValue(msg, 'from'))).toBe(String.raw`J Rosenberg \"`);
    expect(cseqOf(msg)).toEqual({ seq: 9, method: 'INVITE' });
    expect(headerValue(msg, 'max-forwards')).toBe('0068');
    expect(headerValue(msg, 'subject')).toBe('');
    expect(headerValue(msg, 'newfangledheader')).toBe('newfangled value continued newfangled value');
    expect(headerValues(msg, 'via')).toHaveLength(2);
    expect(headerValue(msg, 'via')).toBe('SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw');
    expect(topViaBranchOf(msg)).toBe('390skdjuw');
    expect(displayNameOf(headerValue(msg, 'contact'))).toBe('Quoted string ""');
    expect(msg.body).toBe(SDP_150);
  });

  it('reads intmeth, an unusual method and unusual tokens everywhere (§3.1.1.2)', () => {
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    const msg = request(
      frame([
        `${method} sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0`,
        "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~",
        'To: "BEL:\\\u0007 NUL:\\\u0000 DEL:\\\u007f" <sip:1_unusual.URI~(to-be!sure)&isn\'t+it$/crazy?,/;;*@example.com>',
        "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439\";tag=_token~1'+`*%!-.",
        'Call-ID: intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{',
        `CSeq: 139122385 ${method}`,
        'Max-Forwards: 255',
        "extensionHeader-!.%*+_`'~:\ufeff\u5927\u505c\u96fb",
        'Content-Length: 0',
      ]),
    );
    expect(msg.method).toBe(method);
    expect(cseqOf(msg)).toEqual({ seq: 139122385, method });
    expect(displayNameOf(headerValue(msg, 'to'))).toBe('BEL:\u0007 NUL:\u0000 DEL:\u007f');
    expect(displayNameOf(headerValue(msg, 'from'))).toBe("token1~` token2'+_ token3*%!.-");
    expect(tagOf(headerValue(msg, 'from'))).toBe("_token~1'+`*%!-.");
    expect(headerValue(msg, "extensionheader-!.%*+_`'~")).toBe('\ufeff\u5927\u505c\u96fb');
  });

  it('reads esc01, escaped characters in URIs (§3.1.1.3)', () => {
    const msg = request(
      frame(
        [
          'INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0',
          'To: sip:%75se%72@example.com',
          'From: <sip:I%20have%20spaces@example.net>;tag=938',
          'Max-Forwards: 87',
          'i: esc01.239409asdfakjkn23onasd0-3234',
          'CSeq: 234234 INVITE',
          'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw',
          'C: application/sdp',
          'Contact:',
          '  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>',
          'Content-Length: 150',
        ],
        SDP_150,
      ),
    );
    expect(userPartOf(msg.uri)).toBe('sips:user@example.com');
    expect(userPartOf(uriOf(headerValue(msg, 'to')))).toBe('user');
    expect(userPartOf(uriOf(headerValue(msg, 'from')))).toBe('I have spaces');
    expect(userPartOf(uriOf(headerValue(msg, 'contact')))).toBe('caller');
    expect(callIdOf(msg)).toBe('esc01.239409asdfakjkn23onasd0-3234');
  });

  it('reads escnull, %00 in user parts and a bare L:0 (§3.1.1.4)', () => {
    const msg = request(
      frame([
        'REGISTER sip:example.com SIP/2.0',
        'To: sip:null-%00-null@example.com',
        'From: sip:null-%00-null@example.com;tag=839923423',
        'Max-Forwards: 70',
        'Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd',
        'CSeq: 14398234 REGISTER',
        'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw',
        'Contact: <sip:%00@host5.example.com>',
        'Contact: <sip:%00%00@host5.example.com>',
        'L:0',
      ]),
    );
    expect(userPartOf(uriOf(headerValue(msg, 'to')))).toBe('null-\u0000-null');
    expect(tagOf(headerValue(msg, 'from'))).toBe('839923423');
    expect(headerValues(msg, 'contact')).toHaveLength(2);
  });

  it('reads lwsdisp, a token display name with no space before < (§3.1.1.6)', () => {
    const msg = request(
      frame([
        'OPTIONS sip:user@example.com SIP/2.0',
        'To: sip:user@example.com',
        'From: caller<sip:caller@example.com>;tag=323',
        'Max-Forwards: 70',
        'Call-ID: lwsdisp.1234abcd@funky.example.com',
        'CSeq: 60 OPTIONS',
        'Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw',
        'l: 0',
      ]),
    );
    expect(displayNameOf(headerValue(msg, 'from'))).toBe('caller');
    expect(uriOf(headerValue(msg, 'from'))).toBe('sip:caller@example.com');
    expect(tagOf(headerValue(msg, 'from'))).toBe('323');
  });

  it('reads longreq, very long values and many Vias (§3.1.1.7)', () => {
    const longName = `I have a user name of ${'extreme '.repeat(10)}proportion`;
    const longTag = `12982982${'1'.repeat(300)}`;
    const vias = Array.from({ length: 20 }, (_, i) => `Via: SIP/2.0/TCP sip${i}.example.com;branch=z9hG4bK${'a'.repeat(100)}${i}`);
    const msg = request(
      frame([
        `INVITE sip:${'user'.repeat(60)}@example.com SIP/2.0`,
        `To: "${longName}" <sip:user@example.com:6000;unknownparam1=${'very'.repeat(50)}long>`,
        `From: sip:${'amazinglylongcallername'.repeat(10)}@example.net;tag=${longTag}`,
        `Call-ID: longreq.${'one'.repeat(200)}`,
        'CSeq: 3882340 INVITE',
        ...vias,
        `Unknown-LongLong-LongLong-Long-Header: ${'unknown-'.repeat(300)}value`,
        'Max-Forwards: 70',
        'l: 0',
      ]),
    );
    expect(displayNameOf(headerValue(msg, 'to'))).toBe(longName);
    expect(tagOf(headerValue(msg, 'from'))).toBe(longTag);
    expect(headerValues(msg, 'via')).toHaveLength(20);
    expect(topViaBranchOf(msg)).toBe(`z9hG4bK${'a'.repeat(100)}0`);
  });

  it('reads dblreq as two messages, since a WebSocket frame may carry several (§3.1.1.8)', () => {
    const data =
      frame([
        'REGISTER sip:example.com SIP/2.0',
        'To: sip:j.user@example.com',
        'From: sip:j.user@example.com;tag=43251j3j324',
        'Max-Forwards: 8',
        'I: dblreq.0ha0isndaksdj99sdfafnl3lk233412',
        'Contact: sip:j.user@host.example.com',
        'CSeq: 8 REGISTER',
        'Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492',
        'Content-Length: 0',
      ]) +
      CRLF +
      frame(
        [
          'INVITE sip:joe@example.com SIP/2.0',
          't: sip:joe@example.com',
          'From: sip:caller@example.net;tag=141334',
          'Max-Forwards: 8',
          'Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15',
          'CSeq: 8 INVITE',
          'Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234',
          'Content-Type: application/sdp',
          'Content-Length: 150',
        ],
        SDP_150,
      );
    const result = parseSipFrame(data);
    expect(result.invalid).toBe(0);
    expect(result.messages.map((m) => m.kind === 'request' && m.method)).toEqual(['REGISTER', 'INVITE']);
    expect(result.messages[1]?.body).toBe(SDP_150);
  });

  it('rejects mcl01, Content-Length given twice with different values (§3.3.9)', () => {
    const data = frame(
      [
        'OPTIONS sip:user@example.com SIP/2.0',
        'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423',
        'To: sip:user@example.com',
        'From: sip:other@example.net;tag=3923942',
        'Call-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf',
        'CSeq: 15932 OPTIONS',
        'Content-Length: 13',
        'Max-Forwards: 60',
        'Content-Length: 5',
        'Content-Type: text/plain',
      ],
      "There's no way to know how many octets are supposed to be here.",
    );
    expect(parseSipFrame(data)).toEqual({ messages: [], invalid: 1 });
  });

  it('accepts Content-Length given twice with the same value', () => {
    const msg = only(frame(['MESSAGE sip:a@b SIP/2.0', 'Content-Length: 2', 'l: 2'], 'hi'));
    expect(msg.body).toBe('hi');
  });

  it('reads bcast, a 200 OK with a broadcast Via (§3.3.10)', () => {
    const body = ['v=0', 'o=user1 53655765 2353687637 IN IP4 192.0.2.198', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 3456 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join(CRLF);
    const msg = response(
      frame(
        [
          'SIP/2.0 200 OK',
          'Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923',
          'Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23',
          'Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf',
          'CSeq: 35 INVITE',
          'From: sip:user@example.com;tag=11141343',
          'To: sip:user@example.edu;tag=2229',
          `Content-Length: ${utf8Length(body)}`,
          'Content-Type: application/sdp',
          'Contact: <sip:user@host28.example.com>',
        ],
        body,
      ),
    );
    expect(msg.status).toBe(200);
    expect(topViaBranchOf(msg)).toBe('z9hG4bK1324923');
    expect(tagOf(headerValue(msg, 'to'))).toBe('2229');
    expect(msg.body).toBe(body);
  });

  it('rejects clerr, a Content-Length larger than the message (§3.1.2.2)', () => {
    const data = frame(
      [
        'INVITE sip:user@example.com SIP/2.0',
        'Max-Forwards: 80',
        'To: sip:j.user@example.com',
        'From: sip:caller@example.net;tag=93942939o2',
        'Contact: <sip:caller@hungry.example.net>',
        'Call-ID: clerr.0ha0isndaksdjweiafasdk3',
        'CSeq: 8 INVITE',
        'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523',
        'Content-Type: application/sdp',
        'Content-Length: 9999',
      ],
      SDP_150,
    );
    expect(parseSipFrame(data)).toEqual({ messages: [], invalid: 1 });
  });

  it('rejects ncl, a negative Content-Length (§3.1.2.3)', () => {
    const data = frame(
      [
        'INVITE sip:user@example.com SIP/2.0',
        'Max-Forwards: 254',
        'To: sip:j.user@example.com',
        'From: sip:caller@example.net;tag=32394234',
        'Call-ID: ncl.0ha0isndaksdj2193423r542w35',
        'CSeq: 0 INVITE',
        'Via: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw',
        'Contact: <sip:caller@example53.example.net>',
        'Content-Type: application/sdp',
        'Content-Length: -999',
      ],
      SDP_150,
    );
    expect(parseSipFrame(data)).toEqual({ messages: [], invalid: 1 });
  });

  it('reads scalar02 but gives no CSeq for a number over 32 bits (§3.1.2.4)', () => {
    const msg = request(
      frame([
        'REGISTER sip:example.com SIP/2.0',
        'Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3',
        'To: <sip:user@example.com>',
        'From: <sip:user@example.com>;tag=239232jh3',
        'CSeq: 36893488147419103232 REGISTER',
        'Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32',
        'Max-Forwards: 300',
        `Expires: 1${'0'.repeat(100)}`,
        'Contact: <sip:user@host129.example.com>;expires=280297596632815',
        'Content-Length: 0',
      ]),
    );
    expect(cseqOf(msg)).toBeUndefined();
  });

  it('rejects Content-Length values too large to be real', () => {
    expect(parseSipFrame(frame(['MESSAGE sip:a@b SIP/2.0', 'l: 18446744073709551617'], 'x')).invalid).toBe(1);
  });

  it('rejects bigcode, an overlarge status code (§3.1.2.19)', () => {
    const data = frame(['SIP/2.0 4294967301 better not break the receiver', 'Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i', 'CSeq: 353494 INVITE', 'l: 0']);
    expect(parseSipFrame(data)).toEqual({ messages: [], invalid: 1 });
  });

  it('rejects ltgtruri and lwsruri, malformed Request-URIs (§3.1.2.7, §3.1.2.8)', () => {
    expect(parseSipFrame(frame(['INVITE <sip:user@example.com> SIP/2.0', 'l: 0'])).invalid).toBe(1);
    expect(parseSipFrame(frame(['INVITE sip:user@example.com; lr SIP/2.0', 'l: 0'])).invalid).toBe(1);
  });

  it('is liberal with extra spaces in the start line, lwsstart and trws (§3.1.2.9, §3.1.2.10)', () => {
    expect(request(frame(['INVITE  sip:lwsstart@example.com   SIP/2.0', 'l: 0'])).uri).toBe('sip:lwsstart@example.com');
    expect(request(frame(['OPTIONS sip:remote-target@example.com SIP/2.0  ', 'l: 0'])).method).toBe('OPTIONS');
  });

  it('reads quotbal but finds no display name in an unterminated quote (§3.1.2.6)', () => {
    const msg = request(frame(['INVITE sip:user@example.com SIP/2.0', 'To: "Mr. J. User <sip:j.user@example.com>', 'From: sip:caller@example.net;tag=93334', 'l: 0']));
    expect(displayNameOf(headerValue(msg, 'to'))).toBeUndefined();
    expect(uriOf(headerValue(msg, 'to'))).toBeUndefined();
  });

  it('reads unkscm and novelsc, Request-URIs with unknown schemes (§3.3.2, §3.3.3)', () => {
    expect(request(frame(['OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0', 'l: 0'])).uri).toBe(
      'nobodyKnowsThisScheme:totallyopaquecontent',
    );
    expect(userPartOf('nobodyKnowsThisScheme:totallyopaquecontent')).toBeUndefined();
    expect(request(frame(['OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0', 'l: 0'])).uri).toBe('soap.beep://192.0.2.103:3002');
  });

  it('reads unreason and noreason, odd reason phrases (§3.1.1.12, §3.1.1.13)', () => {
    expect(response(frame(['SIP/2.0 200 = 2**3 * 5**2 но сто девяносто девять - простое', 'l: 0'])).reason).toBe(
      '= 2**3 * 5**2 но сто девяносто девять - простое',
    );
    expect(response(frame(['SIP/2.0 100 ', 'l: 0'])).reason).toBe('');
  });

  it('reads inv2543, an RFC 2543 INVITE without branch or Content-Length (§3.4.1)', () => {
    const msg = request(
      frame(
        [
          'INVITE sip:UserB@example.com SIP/2.0',
          'Via: SIP/2.0/UDP iftgw.example.com',
          'From: <sip:+13035551111@ift.client.example.net;user=phone>',
          'Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>',
          'To: sip:+16505552222@ss1.example.net;user=phone',
          'Call-ID: inv2543.1717@ift.client.example.com',
          'CSeq: 56 INVITE',
          'Content-Type: application/sdp',
        ],
        SDP_150,
      ),
    );
    expect(msg.body).toBe(SDP_150);
    expect(topViaBranchOf(msg)).toBeUndefined();
    expect(userPartOf(uriOf(headerValue(msg, 'from')))).toBe('+13035551111');
    expect(userPartOf(uriOf(headerValue(msg, 'to')))).toBe('+16505552222');
    expect(tagOf(headerValue(msg, 'to'))).toBeUndefined();
  });
});
