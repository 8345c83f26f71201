"""zibot: answers questions about Zona Integritas (ZI, WBK, WBBM) in Indonesian."""
