/* SPDX-License-Identifier: MIT */
/* dnsmsg: DNS wire format, strictly (see the header). */
#include "dnsmsg.h"

#include <errno.h>
#include <string.h>

int dns_hdr_read(const uint8_t *m, size_t len, struct dns_hdr *ret)
{
	if (len < DNS_HDR_LEN)
		return -EBADMSG;
	ret->id = dns_get16(m);
	ret->flags = dns_get16(m + 2);
	ret->qd = dns_get16(m + 4);
	ret->an = dns_get16(m + 6);
	ret->ns = dns_get16(m + 8);
	ret->ar = dns_get16(m + 10);
	return 0;
}

void dns_hdr_write(uint8_t *m, const struct dns_hdr *h)
{
	dns_put16(m, h->id);
	dns_put16(m + 2, h->flags);
	dns_put16(m + 4, h->qd);
	dns_put16(m + 6, h->an);
	dns_put16(m + 8, h->ns);
	dns_put16(m + 10, h->ar);
}

static bool host_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_';
}

int dns_name_read(const uint8_t *m, size_t len, size_t *off, bool strict,
		  char *out)
{
	size_t pos = *off, end = 0, o = 0, wire = 1;
	bool jumped = false;
	int ptrs = 0;

	for (;;) {
		if (pos >= len)
			return -EBADMSG;
		uint8_t l = m[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return -EBADMSG;
			size_t target = (size_t)(l & 0x3f) << 8 | m[pos + 1];
			/* backwards only, and a bounded number of times: a
			 * pointer can still lead back to itself through a
			 * later one, which the count stops */
			if (target >= pos || ++ptrs > DNS_MAX_PTRS)
				return -ELOOP;
			if (!jumped) {
				end = pos + 2;
				jumped = true;
			}
			pos = target;
			continue;
		}
		if (l & 0xc0) /* 0x40, 0x80: extended label types */
			return -EBADMSG;
		if (l == 0) {
			if (!jumped)
				end = pos + 1;
			break;
		}
		if (pos + 1 + l > len)
			return -EBADMSG;
		wire += (size_t)l + 1;
		if (wire > 255)
			return -EBADMSG;
		if (o)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++) {
			uint8_t c = m[pos + 1 + i];
			if (c >= 'A' && c <= 'Z')
				c = (uint8_t)(c - 'A' + 'a');
			if (!host_char(c)) {
				if (strict)
					return -EINVAL;
				c = '?';
			}
			out[o++] = (char)c;
		}
		pos += 1 + (size_t)l;
	}
	out[o] = '\0';
	*off = end;
	return 0;
}

int dns_question_read(const uint8_t *m, size_t len, size_t *off, bool strict,
		      struct dns_question *ret)
{
	size_t p = *off;
	int r = dns_name_read(m, len, &p, strict, ret->name);

	if (r < 0)
		return r;
	if (p + 4 > len)
		return -EBADMSG;
	ret->qtype = dns_get16(m + p);
	ret->qclass = dns_get16(m + p + 2);
	*off = p + 4;
	return 0;
}

int dns_rr_read(const uint8_t *m, size_t len, size_t *off, struct dns_rr *ret)
{
	size_t p = *off;
	int r = dns_name_read(m, len, &p, false, ret->name);

	if (r < 0)
		return r;
	if (p + 10 > len)
		return -EBADMSG;
	ret->type = dns_get16(m + p);
	ret->rclass = dns_get16(m + p + 2);
	ret->ttl_off = p + 4;
	ret->ttl = dns_get32(m + p + 4);
	ret->rdlen = dns_get16(m + p + 8);
	ret->rdata_off = p + 10;
	if (ret->rdata_off + ret->rdlen > len)
		return -EBADMSG;
	*off = ret->rdata_off + ret->rdlen;
	return 0;
}

int dns_name_write(const char *name, uint8_t *out, size_t outsz,
		   size_t *ret_len)
{
	size_t o = 0;
	const char *p = name;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		if (l == 0 || l > 63)
			return -EINVAL;
		if (o + 1 + l + 1 > outsz || o + 1 + l + 1 > 255)
			return -ENOSPC;
		out[o++] = (uint8_t)l;
		memcpy(out + o, p, l);
		o += l;
		p += l;
		if (*p == '.')
			p++;
	}
	if (o + 1 > outsz)
		return -ENOSPC;
	out[o++] = 0;
	*ret_len = o;
	return 0;
}

int dns_msg_start(uint8_t *out, size_t outsz, const struct dns_hdr *h,
		  const struct dns_question *q)
{
	size_t n;
	int r;

	if (outsz < DNS_HDR_LEN)
		return -ENOSPC;
	dns_hdr_write(out, h);
	r = dns_name_write(q->name, out + DNS_HDR_LEN, outsz - DNS_HDR_LEN, &n);
	if (r < 0)
		return r;
	n += DNS_HDR_LEN;
	if (n + 4 > outsz)
		return -ENOSPC;
	dns_put16(out + n, q->qtype);
	dns_put16(out + n + 2, q->qclass);
	return (int)(n + 4);
}
