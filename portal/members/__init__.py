"""Who is this code? A resident's identity as a code holder, for the check-in and the
supermarket counter alike:

- `codes`: the resident's random member key and the rotating member code on their phone
  (/me/code), and `find_member(code)`, the resident a scanned member code belongs to;
- `cards`: printed member cards for residents without a smartphone (issue, report lost,
  `holder_of(code)`); a card identifies its holder at the counter only, never at a check-in;
- `models`: MemberCard.
"""
