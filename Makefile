# Installs the usage tools as a distribution package lays them out:
#   make && sudo make install            # into /usr/local, cron.d and units included
#   make install PREFIX=/usr DESTDIR=pkg  # staged, for a package
#   sudo make uninstall                  # removes exactly what install put there
# BINARIES names a directory of already built binaries (the default builds them with cargo).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/usage
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
SYSCONFDIR ?= /etc
CRONDIR ?= $(SYSCONFDIR)/cron.d
UNITDIR ?= $(PREFIX)/lib/systemd/system
CARGO ?= cargo
BINARIES ?= target/release

TOOLS = usage-sample usage-import usage-report usage-backup usage-check usage-alert
UNITS = $(wildcard systemd/*.service systemd/*.timer)
# The paths the shipped cron file and units name, rewritten to where the tools go.
PLACE = sed -e 's|/usr/local/bin|$(BINDIR)|g'

# cargo decides what is out of date; binaries built elsewhere (BINARIES=...) are taken as they are.
all:
ifeq ($(BINARIES),target/release)
	$(CARGO) build --release --locked
endif

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR) $(DESTDIR)$(CRONDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DOCDIR)/examples
	for t in $(TOOLS); do \
		install -m 755 $(BINARIES)/$$t $(DESTDIR)$(BINDIR)/$$t && \
		install -m 644 completions/$$t.bash $(DESTDIR)$(BASHCOMPDIR)/$$t && \
		install -m 644 completions/_$$t $(DESTDIR)$(ZSHCOMPDIR)/_$$t && \
		install -m 644 completions/$$t.fish $(DESTDIR)$(FISHCOMPDIR)/$$t.fish || exit 1; \
	done
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7/
	$(PLACE) cron/usage.cron.d > $(DESTDIR)$(CRONDIR)/usage && chmod 644 $(DESTDIR)$(CRONDIR)/usage
	for u in $(UNITS); do \
		$(PLACE) $$u > $(DESTDIR)$(UNITDIR)/$${u#systemd/} && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$${u#systemd/} || exit 1; \
	done
	$(PLACE) cron/crontab > $(DESTDIR)$(DOCDIR)/examples/crontab
	install -m 644 README.md $(DESTDIR)$(DOCDIR)/README.md
	chmod 644 $(DESTDIR)$(DOCDIR)/examples/crontab

uninstall:
	for t in $(TOOLS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(BASHCOMPDIR)/$$t \
			$(DESTDIR)$(ZSHCOMPDIR)/_$$t $(DESTDIR)$(FISHCOMPDIR)/$$t.fish; \
	done
	for p in man/*.1 man/*.5 man/*.7; do \
		rm -f $(DESTDIR)$(MANDIR)/man$${p##*.}/$${p#man/}; \
	done
	for u in $(UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$${u#systemd/}; done
	rm -f $(DESTDIR)$(CRONDIR)/usage $(DESTDIR)$(DOCDIR)/examples/crontab $(DESTDIR)$(DOCDIR)/README.md
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null

.PHONY: all install uninstall
