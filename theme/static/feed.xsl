<?xml version="1.0" encoding="utf-8"?>
<!-- Shows an Atom feed as a page of the site when someone opens it in a browser; feed readers
     never load it. The site's address and stylesheet come from the feed's own alternate link. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>

  <xsl:variable name="home" select="/atom:feed/atom:link[@rel='alternate']/@href"/>

  <xsl:template match="/atom:feed">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/> (web feed)</title>
        <link rel="stylesheet" href="{$home}theme/css/main.css"/>
      </head>
      <body>
        <header class="site-header">
          <p class="site-title"><a href="{$home}" rel="home"><xsl:value-of select="atom:title"/></a></p>
          <xsl:if test="atom:subtitle">
            <p class="site-subtitle"><xsl:value-of select="atom:subtitle"/></p>
          </xsl:if>
        </header>
        <main id="main">
          <h1>Web feed: <xsl:value-of select="atom:title"/></h1>
          <p>
            This is a web feed. To follow new posts, copy its address into a feed reader:
            <code><xsl:value-of select="atom:link[@rel='self']/@href"/></code>
          </p>
          <ul class="post-list">
            <xsl:for-each select="atom:entry">
              <li>
                <time datetime="{atom:published}"><xsl:value-of select="substring(atom:published, 1, 10)"/></time>
                <xsl:text> </xsl:text>
                <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
              </li>
            </xsl:for-each>
          </ul>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
