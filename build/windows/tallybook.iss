; Inno Setup script: the Windows installer, dist\Tallybook-<version>-setup.exe, made from the
; PyInstaller bundle dist\Tallybook\. On Windows, with Inno Setup 6.3 or newer:
;
;   python build\build.py
;   iscc /DAppVersion=<version> build\windows\tallybook.iss
;
; The version is passed in, never written here: pyproject.toml holds it (`python build\project.py`
; prints it; CI passes it so). Relative paths below start from this script's folder.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=<version> tallybook.iss
#endif
#define AppName "Tallybook"
#define AppExe "Tallybook.exe"
#define Root "..\.."

[Setup]
; Fixed for ever: Windows recognises upgrades and the uninstaller by it.
AppId={{2523AD97-16BA-4CF6-A89A-BC0FB2B62626}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Tallybook contributors
; Per user by default (no administrator needed), for all users if the user chooses so.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
; The bundle is 64-bit only (PyQt/Python wheels of the build machine).
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile={#Root}\build\icons\tallybook.ico
UninstallDisplayIcon={app}\{#AppExe}
OutputDir={#Root}\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole onedir bundle; ignoreversion so that an upgrade replaces every file.
Source: "{#Root}\dist\Tallybook\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
