<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <source>%n file(s) will change.</source>
        <translation>
            <numerusform>%n file will change.</numerusform>
            <numerusform>%n files will change.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n file(s).</source>
        <translation>
            <numerusform>Wrote %n file.</numerusform>
            <numerusform>Wrote %n files.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n file(s):</source>
        <translation>
            <numerusform>Wrote %n file:</numerusform>
            <numerusform>Wrote %n files:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied the Markdown (%n line(s)) to the clipboard.</source>
        <translation>
            <numerusform>Copied the Markdown (%n line) to the clipboard.</numerusform>
            <numerusform>Copied the Markdown (%n lines) to the clipboard.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n paper(s) added to “%1”</source>
        <translation>
            <numerusform>%n paper added to “%1”</numerusform>
            <numerusform>%n papers added to “%1”</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n paper(s)</source>
        <translation>
            <numerusform>%n paper</numerusform>
            <numerusform>%n papers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n shown</source>
        <translation>
            <numerusform>%n shown</numerusform>
            <numerusform>%n shown</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n selected</source>
        <translation>
            <numerusform>%n selected</numerusform>
            <numerusform>%n selected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n papers from the library, with their notes and highlights?</source>
        <translation>
            <numerusform>Delete %n paper from the library, with its notes and highlights?</numerusform>
            <numerusform>Delete %n papers from the library, with their notes and highlights?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SidebarTree</name>
    <message numerus="yes">
        <source>Needs review (%n)</source>
        <translation>
            <numerusform>Needs review (%n)</numerusform>
            <numerusform>Needs review (%n)</numerusform>
        </translation>
    </message>
</context>
</TS>
